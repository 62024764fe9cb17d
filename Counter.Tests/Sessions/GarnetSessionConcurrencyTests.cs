using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

[Collection(GarnetApp.Name)]
public sealed class GarnetSessionConcurrencyTests(GarnetAppFixture app, ITestOutputHelper output) : SessionConcurrencyTests(app, output);
