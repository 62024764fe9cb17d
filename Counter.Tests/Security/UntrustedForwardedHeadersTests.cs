using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>Where no proxy is trusted (the default), a forwarded scheme is ignored whoever sends it.</summary>
[Collection(CookieModeApp.Name)]
public sealed class UntrustedForwardedHeadersTests(CookieModeAppFixture app)
{
    [Fact]
    public async Task AForwardedProtoFromAnUntrustedPeerIsIgnored()
    {
        using var http = app.CreateHttpClient();

        using var response = await HttpsTests.SendAsync(http, "/", ("X-Forwarded-Proto", "https"));

        var cookie = HttpsTests.SessionCookieOf(response, "session");
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }
}
