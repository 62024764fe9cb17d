using Counter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Counter.Tests.Sessions;

[Collection(EmbeddedApp.Name)]
public sealed class EmbeddedSessionConcurrencyTests(EmbeddedAppFixture app, ITestOutputHelper output) : SessionConcurrencyTests(app, output);
