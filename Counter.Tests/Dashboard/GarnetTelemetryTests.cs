using Counter.Tests.Infrastructure;

namespace Counter.Tests.Dashboard;

[Collection(RedisApp.Name)]
public sealed class GarnetTelemetryTests(RedisAppFixture app) : RedisTelemetryTests(app);
