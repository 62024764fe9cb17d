using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

[Collection(RedisClusterApp.Name)]
public sealed class RedisClusterSessionConcurrencyTests(RedisClusterAppFixture app, ITestOutputHelper output) : SessionConcurrencyTests(app, output);
