using Counter.Tests.Infrastructure;

namespace Counter.Tests.Browser;

[Collection(EmbeddedApp.Name)]
public sealed class ServerSideBrowserTests(EmbeddedAppFixture app, BrowserFixture browser) : BrowserTests(app, browser), IClassFixture<BrowserFixture>
{
    protected override void AssertModeCookie(string value) => Assert.Matches("^[A-Za-z0-9_-]{43}$", value);
}
