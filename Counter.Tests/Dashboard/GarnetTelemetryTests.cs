using Counter.Tests.Infrastructure;

namespace Counter.Tests.Dashboard;

[Collection(GarnetApp.Name)]
public sealed class GarnetTelemetryTests(GarnetAppFixture app) : RedisTelemetryTests(app);
