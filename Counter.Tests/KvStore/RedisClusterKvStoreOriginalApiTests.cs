using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(RedisClusterApp.Name)]
public sealed class RedisClusterKvStoreOriginalApiTests(RedisClusterAppFixture app) : KvStoreOriginalApiTests(app);
