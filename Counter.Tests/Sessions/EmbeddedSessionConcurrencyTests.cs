using Counter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Counter.Tests.Sessions;

[Collection(ServerSideApp.Name)]
public sealed class EmbeddedSessionConcurrencyTests(ServerSideAppFixture app, ITestOutputHelper output) : SessionConcurrencyTests(app, output);
