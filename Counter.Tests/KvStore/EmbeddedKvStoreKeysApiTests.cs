using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(EmbeddedApp.Name)]
public sealed class EmbeddedKvStoreKeysApiTests(EmbeddedAppFixture app) : KvStoreKeysApiTests(app);
