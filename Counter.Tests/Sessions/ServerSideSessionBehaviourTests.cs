using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

[Collection(EmbeddedApp.Name)]
public sealed class ServerSideSessionBehaviourTests(EmbeddedAppFixture app) : SessionBehaviourTests(app)
{
    /// <summary>Server-side mode issues a 256-bit identifier, base64url: 43 characters.</summary>
    protected override void AssertIsIssuedCookie(string cookie) => Assert.Matches("^[A-Za-z0-9_-]{43}$", cookie);
}
