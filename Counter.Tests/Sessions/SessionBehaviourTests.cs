using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

/// <summary>
/// What a visitor sees in either session mode: counting, independent visitors, Reset, and a cookie
/// that is not a session. Run once per mode (<see cref="ServerSideSessionBehaviourTests"/>,
/// <see cref="CookieModeSessionBehaviourTests"/>); what differs between the modes is tested in
/// ServerSideSessionTests and CookieModeSessionTests.
/// </summary>
public abstract class SessionBehaviourTests(CounterAppFixture app)
{
    [Fact]
    public async Task CountGoesOneTwoThreeWithACookieJar()
    {
        using var browser = app.CreateBrowser();

        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.Equal(2, await browser.LoadCounterAsync());
        Assert.Equal(3, await browser.LoadCounterAsync());
    }

    [Fact]
    public async Task TwoClientsCountIndependently()
    {
        using var alice = app.CreateBrowser();
        using var bob = app.CreateBrowser();

        await alice.LoadCounterAsync();
        await alice.LoadCounterAsync();
        Assert.Equal(1, await bob.LoadCounterAsync());
        Assert.Equal(3, await alice.LoadCounterAsync());
        Assert.Equal(2, await bob.LoadCounterAsync());
        Assert.NotEqual(alice.SessionCookie, bob.SessionCookie);
    }

    [Fact]
    public async Task ResetRedirectsDropsTheCookieAndTheNextLoadStartsANewSessionAtOne()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();
        var oldCookie = browser.SessionCookie!;

        using var reset = await browser.ResetAsync();

        Assert.Equal(HttpStatusCode.Found, reset.StatusCode);
        Assert.Equal("/", reset.Headers.Location?.OriginalString);
        var deletion = Assert.Single(reset.Headers.GetValues("Set-Cookie"), c => c.StartsWith("session=", StringComparison.Ordinal));
        Assert.Contains("expires=Thu, 01 Jan 1970 00:00:00 GMT", deletion, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.NotNull(browser.SessionCookie);
        Assert.NotEqual(oldCookie, browser.SessionCookie);
    }

    [Fact]
    public async Task GarbageCookieYieldsAFreshSession()
    {
        const string garbage = "not-a-session-%00-<script>";
        using var browser = app.CreateBrowser();
        browser.SetSessionCookie(garbage);

        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.NotNull(browser.SessionCookie);
        Assert.NotEqual(garbage, browser.SessionCookie);
        AssertIsIssuedCookie(browser.SessionCookie);
        Assert.Equal(2, await browser.LoadCounterAsync());
    }

    /// <summary>What a cookie this mode issues looks like (nothing to check by default).</summary>
    protected virtual void AssertIsIssuedCookie(string cookie)
    {
    }
}
