using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(ServerSideApp.Name)]
public sealed class EmbeddedKvStoreKeysApiTests(ServerSideAppFixture app) : KvStoreKeysApiTests(app);
