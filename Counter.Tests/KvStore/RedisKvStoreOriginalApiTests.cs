using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(RedisApp.Name)]
public sealed class RedisKvStoreOriginalApiTests(RedisAppFixture app) : KvStoreOriginalApiTests(app);
