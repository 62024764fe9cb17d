using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

[Collection(ServerSideApp.Name)]
public sealed class ServerSideSessionBehaviourTests(ServerSideAppFixture app) : SessionBehaviourTests(app);
