using Counter.Tests.Infrastructure;

namespace Counter.Tests.Dashboard;

[Collection(RedisClusterApp.Name)]
public sealed class RedisClusterTelemetryTests(RedisClusterAppFixture app) : RedisTelemetryTests(app);
