using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

[Collection(CookieModeApp.Name)]
public sealed class CookieModeSessionBehaviourTests(CookieModeAppFixture app) : SessionBehaviourTests(app);
