using System.Text.Json;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

/// <summary>What only server-side mode (the default) does: an identifier in the cookie, the session in the store. What both modes share: SessionBehaviourTests.</summary>
[Collection(EmbeddedApp.Name)]
public sealed class ServerSideSessionTests(EmbeddedAppFixture app)
{
    [Fact]
    public async Task CookieHoldsOnlyAnIdentifierThatStaysTheSameBetweenRefreshes()
    {
        using var browser = app.CreateBrowser();

        await browser.LoadCounterAsync();
        var first = browser.SessionCookie;
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();

        Assert.NotNull(first);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", first);
        Assert.Equal(first, browser.SessionCookie);
    }

    [Fact]
    public async Task SessionDataLivesInTheStoreUnderAKeyedHashOfTheIdentifier()
    {
        using var browser = app.CreateBrowser();
        using var store = app.CreateStoreClient();

        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();
        var key = StorageKeys.For(browser.SessionCookie!);

        using var stored = JsonDocument.Parse(await store.GetStringAsync($"/{key}"));
        Assert.Equal(2, stored.RootElement.GetProperty(key).GetProperty("data").GetProperty("count").GetInt32());
        // The raw identifier is not a key in the store.
        using var byIdentifier = JsonDocument.Parse(await store.GetStringAsync($"/session:{browser.SessionCookie}"));
        Assert.Equal(JsonValueKind.Null, byIdentifier.RootElement.GetProperty($"session:{browser.SessionCookie}").ValueKind);
    }

    [Fact]
    public async Task ResetDeletesTheStoredSessionAndIssuesANewIdentifier()
    {
        using var browser = app.CreateBrowser();
        using var store = app.CreateStoreClient();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();
        var oldIdentifier = browser.SessionCookie!;
        var oldKey = StorageKeys.For(oldIdentifier);

        using var reset = await browser.ResetAsync();

        Assert.Equal(HttpStatusCode.Found, reset.StatusCode);
        using var stored = JsonDocument.Parse(await store.GetStringAsync($"/{oldKey}"));
        Assert.Equal(JsonValueKind.Null, stored.RootElement.GetProperty(oldKey).ValueKind);

        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.NotNull(browser.SessionCookie);
        Assert.NotEqual(oldIdentifier, browser.SessionCookie);
    }

    [Fact]
    public async Task AnIdentifierTheServerNeverIssuedIsNotAdopted()
    {
        using var attacker = app.CreateBrowser();
        var forged = Convert.ToBase64String(new byte[32]).Replace('+', '-').Replace('/', '_').TrimEnd('=');
        attacker.SetSessionCookie(forged);

        Assert.Equal(1, await attacker.LoadCounterAsync());

        Assert.NotEqual(forged, attacker.SessionCookie);
        using var store = app.CreateStoreClient();
        var forgedKey = StorageKeys.For(forged);
        using var stored = JsonDocument.Parse(await store.GetStringAsync($"/{forgedKey}"));
        Assert.Equal(JsonValueKind.Null, stored.RootElement.GetProperty(forgedKey).ValueKind);
    }

    [Fact]
    public async Task PagesSetOnlyTheSessionCookieAndNeverNeedADataProtectionKeyRing()
    {
        // No anti-forgery token and nothing sealed: server-side mode does no Data Protection work,
        // so no replica ever created a key ring in the store.
        using var browser = app.CreateBrowser();
        using var first = await browser.GetAsync("/");
        await browser.LoadCounterAsync();
        using var reset = await browser.ResetAsync();

        Assert.Equal(["session"], first.Headers.GetValues("Set-Cookie").Select(c => c[..c.IndexOf('=', StringComparison.Ordinal)]));
        Assert.Equal(HttpStatusCode.Found, reset.StatusCode);
        using var store = app.CreateStoreClient();
        using var keyRing = JsonDocument.Parse(await store.GetStringAsync("/v1/keys?prefix=dataprotection:"));
        Assert.Equal(0, keyRing.RootElement.GetProperty("keys").GetArrayLength());
    }

    [Fact]
    public async Task SessionCookieCarriesTheSecurityFlags()
    {
        using var browser = app.CreateBrowser();

        using var response = await browser.GetAsync("/");

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"max-age={CounterAppFixture.AbsoluteLifetime.TotalSeconds}", cookie, StringComparison.OrdinalIgnoreCase);
        // Plain HTTP here, so no Secure flag (a browser would drop the cookie).
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task PageIsSmallAccessibleHtml()
    {
        using var browser = app.CreateBrowser();

        using var response = await browser.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
        Assert.Contains("<title>Counter example</title>", html, StringComparison.Ordinal);
        Assert.Contains("name=\"viewport\"", html, StringComparison.Ordinal);
        Assert.Contains("<button type=\"submit\">Reset</button>", html, StringComparison.Ordinal);
        Assert.Contains("<form method=\"post\" action=\"/reset\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<input", html, StringComparison.Ordinal); // No anti-forgery token: Fetch Metadata instead.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
    }
}
