using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(ServerSideApp.Name)]
public sealed class EmbeddedKvStoreOriginalApiTests(ServerSideAppFixture app) : KvStoreOriginalApiTests(app);
