using Counter.Tests.Infrastructure;

namespace Counter.Tests.Browser;

[Collection(CookieModeApp.Name)]
public sealed class CookieModeBrowserTests(CookieModeAppFixture app, BrowserFixture browser) : BrowserTests(app, browser), IClassFixture<BrowserFixture>
{
    // The whole encrypted session: far longer than an identifier.
    protected override void AssertModeCookie(string value) => Assert.True(value.Length > 100, $"Cookie of {value.Length} characters.");
}
