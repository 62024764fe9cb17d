using System.Net.Http.Json;
using System.Text.Json;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

/// <summary>
/// Idle and absolute expiry, with the services' clocks moved forward (idle 20 min, absolute 1 h in
/// the test app). Clocks only move forward, so each test uses its own fresh session.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class SessionLifetimeTests(EmbeddedAppFixture app)
{
    [Fact]
    public async Task AnIdleSessionExpiresItsDataIsGoneAndItsIdentifierIsNotReused()
    {
        using var browser = app.CreateBrowser();
        using var store = app.CreateStoreClient();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();
        var expired = browser.SessionCookie!;

        await app.AdvanceClocksAsync(CounterAppFixture.IdleTimeout + TimeSpan.FromMinutes(1));

        using var raw = await store.GetAsync($"/v1/keys/{StorageKeys.For(expired)}");
        Assert.Equal(HttpStatusCode.NotFound, raw.StatusCode);
        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.NotEqual(expired, browser.SessionCookie);
    }

    [Fact]
    public async Task UseSlidesTheIdleExpiry()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();

        await app.AdvanceClocksAsync(TimeSpan.FromMinutes(15));
        Assert.Equal(2, await browser.LoadCounterAsync());
        await app.AdvanceClocksAsync(TimeSpan.FromMinutes(15));
        Assert.Equal(3, await browser.LoadCounterAsync());
    }

    [Fact]
    public async Task AReadOnlyRequestTouchesTheSessionWithoutRewritingIt()
    {
        using var browser = app.CreateBrowser();
        using var store = app.CreateStoreClient();
        await browser.LoadCounterAsync();
        var key = StorageKeys.For(browser.SessionCookie!);
        using var before = await store.GetAsync($"/v1/keys/{key}");

        await app.AdvanceClocksAsync(TimeSpan.FromMinutes(15));
        var read = await (await browser.GetAsync("/count")).Content.ReadFromJsonAsync<JsonElement>();
        await app.AdvanceClocksAsync(TimeSpan.FromMinutes(15));

        // Thirty minutes after the last write, the touch at fifteen kept it alive, at the same version.
        using var after = await store.GetAsync($"/v1/keys/{key}");
        Assert.Equal(1, read.GetProperty("count").GetInt32());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal(2, await browser.LoadCounterAsync());
    }

    [Fact]
    public async Task AReadOnlyRequestWithoutASessionCreatesNone()
    {
        using var browser = app.CreateBrowser();

        using var response = await browser.GetAsync("/count");

        Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("session=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ABusySessionStillEndsAtItsAbsoluteLifetime()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        var first = browser.SessionCookie;

        // Used every 15 minutes (never idle) for 45 minutes...
        for (var expected = 2; expected <= 4; expected++)
        {
            await app.AdvanceClocksAsync(TimeSpan.FromMinutes(15));
            Assert.Equal(expected, await browser.LoadCounterAsync());
        }
        // ...and once more past the hour: a new session.
        await app.AdvanceClocksAsync(TimeSpan.FromMinutes(16));

        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.NotEqual(first, browser.SessionCookie);
    }
}
