using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// Per-client limits on pages and on new sessions: past them a short page with 429 and Retry-After,
/// while other clients are still served. Each test is its own client (X-Forwarded-For through the
/// trusted loopback proxy), so no test spends another's allowance.
/// </summary>
[Collection(HttpsApp.Name)]
public sealed class RateLimitTests(HttpsAppFixture app)
{
    [Fact]
    public async Task PagesPastTheLimitGetAShort429WithRetryAfter()
    {
        using var http = app.CreateHttpClient();
        const string client = "203.0.113.10";
        using var first = await LoadAsync(http, client, cookie: null);
        var cookie = HttpsTests.SessionCookieOf(first, "session").Split(';')[0];

        for (var page = 2; page <= HttpsAppFixture.PagesPerWindow; page++)
        {
            using var served = await LoadAsync(http, client, cookie);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }
        using var refused = await LoadAsync(http, client, cookie);

        await AssertTooManyAsync(refused);
        // The count did not move for the refused request, and another client is still served.
        using var other = await LoadAsync(http, "203.0.113.11", cookie);
        Assert.Contains($"Count: {HttpsAppFixture.PagesPerWindow + 1}", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewSessionsPastTheLimitGet429AcrossTheClientsSlash64()
    {
        using var http = app.CreateHttpClient();
        string? kept = null;
        for (var session = 1; session <= HttpsAppFixture.NewSessionsPerWindow; session++)
        {
            // Addresses in one IPv6 /64 count as one client.
            using var served = await LoadAsync(http, $"2001:db8:10:20::{session:x}", cookie: null);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            kept = HttpsTests.SessionCookieOf(served, "session").Split(';')[0];
        }

        using var refused = await LoadAsync(http, "2001:db8:10:20::ffff", cookie: null);
        await AssertTooManyAsync(refused);
        Assert.False(refused.Headers.Contains("Set-Cookie"), "A refused request must not start a session.");
        // A session the client already has still works: only starting new ones is refused.
        using var existing = await LoadAsync(http, "2001:db8:10:20::1", kept);
        Assert.Equal(HttpStatusCode.OK, existing.StatusCode);
    }

    /// <summary>
    /// Cookie tossing: a sibling subdomain (or a plain-HTTP answer) plants its own live session beside
    /// the user's, so neither is trusted and every load needs a fresh session. Those are charged to a
    /// budget of their own: however many the planted cookie forces, everyone else behind the address
    /// still starts sessions, and the user's own cookie, sent alone, still counts on.
    /// </summary>
    [Fact]
    public async Task APlantedCookieDoesNotLockTheAddressOutOfNewSessions()
    {
        using var http = app.CreateHttpClient();
        const string client = "203.0.113.30";
        using var first = await LoadAsync(http, client, cookie: null);
        var victim = HttpsTests.SessionCookieOf(first, "session").Split(';')[0];
        using var elsewhere = await LoadAsync(http, "203.0.113.31", cookie: null);
        var planted = HttpsTests.SessionCookieOf(elsewhere, "session").Split(';')[0];

        var refused = 0;
        for (var load = 0; load <= HttpsAppFixture.NewSessionsPerWindow; load++)
        {
            using var tossed = await LoadAsync(http, client, $"{victim}; {planted}");
            refused += tossed.StatusCode == HttpStatusCode.TooManyRequests ? 1 : 0;
        }

        Assert.Equal(1, refused); // The planted-cookie budget ran out on the last load, and only then.
        using var neighbour = await LoadAsync(http, client, cookie: null);
        Assert.Equal(HttpStatusCode.OK, neighbour.StatusCode);
        using var alone = await LoadAsync(http, client, victim);
        Assert.Contains("Count: 2", await alone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> LoadAsync(HttpClient http, string client, string? cookie) =>
        cookie is null
            ? HttpsTests.SendAsync(http, "/", ("X-Forwarded-For", client))
            : HttpsTests.SendAsync(http, "/", ("X-Forwarded-For", client), ("Cookie", cookie));

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)response.StatusCode}: {html}");
        var retryAfter = int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 3600);
        Assert.Contains("Too many requests", html, StringComparison.Ordinal);
        Assert.True(html.Length < 3000, $"The 429 page is {html.Length} characters.");
        Assert.Equal("text/html; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
