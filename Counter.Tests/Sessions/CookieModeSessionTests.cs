using System.Text.Json;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

/// <summary>What only cookie mode does: the whole session travels in a protected cookie. What both modes share: SessionBehaviourTests.</summary>
[Collection(CookieModeApp.Name)]
public sealed class CookieModeSessionTests(CookieModeAppFixture app)
{
    [Fact]
    public async Task CountGoesOneTwoThreeAndTheCookieChangesOnEveryRefresh()
    {
        using var browser = app.CreateBrowser();
        var seen = new HashSet<string>();

        for (var expected = 1; expected <= 3; expected++)
        {
            Assert.Equal(expected, await browser.LoadCounterAsync());
            Assert.True(seen.Add(browser.SessionCookie!), "The cookie did not change after a refresh.");
        }
    }

    /// <summary>
    /// The limit docs/security.md states: the server keeps nothing in cookie mode, so
    /// Reset can only drop the browser's cookie; a copy taken earlier still reads (until its absolute
    /// lifetime ends). Server-side mode deletes the session itself (ServerSideSessionTests).
    /// </summary>
    [Fact]
    public async Task ResetOnlyDropsTheCookieSoACopiedOldCookieKeepsItsCount()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();
        var copy = browser.SessionCookie!;

        using var reset = await browser.ResetAsync();
        Assert.Equal(1, await browser.LoadCounterAsync());

        using var replayer = app.CreateBrowser();
        replayer.SetSessionCookie(copy);
        Assert.Equal(3, await replayer.LoadCounterAsync());
    }

    [Fact]
    public async Task TamperedCookieYieldsAFreshSession()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();
        var cookie = browser.SessionCookie!;
        var tampered = cookie[..^4] + (cookie[^4] == 'A' ? "BBBB" : "AAAA");
        browser.SetSessionCookie(tampered);

        Assert.Equal(1, await browser.LoadCounterAsync());
    }

    [Fact]
    public async Task TheStoreIsNeverCalled()
    {
        using var browser = app.CreateBrowser();
        using var store = app.CreateStoreClient();
        for (var i = 0; i < 3; i++)
        {
            await browser.LoadCounterAsync();
        }
        await browser.ResetAsync();

        using var keys = JsonDocument.Parse(await store.GetStringAsync("/?prefix=session:"));
        Assert.Empty(keys.RootElement.GetProperty("keys").EnumerateArray());
    }
}
