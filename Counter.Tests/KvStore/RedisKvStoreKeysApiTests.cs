using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(RedisApp.Name)]
public sealed class RedisKvStoreKeysApiTests(RedisAppFixture app) : KvStoreKeysApiTests(app);
