using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(GarnetApp.Name)]
public sealed class GarnetKvStoreOriginalApiTests(GarnetAppFixture app) : KvStoreOriginalApiTests(app);
