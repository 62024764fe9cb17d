using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

[Collection(EmbeddedApp.Name)]
public sealed class EmbeddedSessionConcurrencyTests(EmbeddedAppFixture app, ITestOutputHelper output) : SessionConcurrencyTests(app, output);
