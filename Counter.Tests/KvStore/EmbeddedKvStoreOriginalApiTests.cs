using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(EmbeddedApp.Name)]
public sealed class EmbeddedKvStoreOriginalApiTests(EmbeddedAppFixture app) : KvStoreOriginalApiTests(app);
