using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(GarnetApp.Name)]
public sealed class GarnetKvStoreKeysApiTests(GarnetAppFixture app) : KvStoreKeysApiTests(app);
