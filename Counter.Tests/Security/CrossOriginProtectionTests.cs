using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// Cross-site request forgery protection by Fetch Metadata (Go 1.25's CrossOriginProtection
/// algorithm), rule by rule, through the running app: each case posts Reset with the headers a
/// browser (or a script) would send and checks both the answer and that a refused Reset changed
/// nothing. Browsers themselves are in BrowserTests.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class CrossOriginProtectionTests(EmbeddedAppFixture app)
{
    private const string Own = "(own origin)";

    [Theory]
    // A browser says where the request came from, and a page cannot forge it.
    [InlineData("same-origin", null, true)]
    [InlineData("none", null, true)] // typed or bookmarked by the user
    [InlineData("cross-site", null, false)]
    [InlineData("same-site", null, false)] // a sibling subdomain or another port is still another origin
    [InlineData("unheard-of", null, false)]
    // Sec-Fetch-Site decides when present, whatever Origin says.
    [InlineData("same-origin", "https://evil.example", true)]
    [InlineData("cross-site", Own, false)]
    // Without Sec-Fetch-Site (browsers before 2020), Origin's host and port must be this request's Host.
    [InlineData(null, Own, true)]
    [InlineData(null, "https://evil.example", false)]
    [InlineData(null, "null", false)] // an opaque origin: sandboxed frame, data: URL
    [InlineData(null, "not a url", false)]
    // Neither header: not a browser, which no other site can make send anything.
    [InlineData(null, null, true)]
    // A configured trusted origin may post from another site.
    [InlineData("cross-site", CounterAppFixture.TrustedOrigin, true)]
    [InlineData(null, CounterAppFixture.TrustedOrigin, true)]
    [InlineData("cross-site", "https://trusted.example.evil.example", false)]
    public async Task ResetPassesOnlyFromThisOrigin(string? fetchSite, string? origin, bool allowed)
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();
        var headers = new Dictionary<string, string>();
        if (fetchSite is not null)
        {
            headers["Sec-Fetch-Site"] = fetchSite;
        }
        if (origin is not null)
        {
            headers["Origin"] = origin == Own ? browser.BaseAddress.GetLeftPart(UriPartial.Authority) : origin;
        }

        using var reset = await browser.ResetAsync(headers);

        if (allowed)
        {
            Assert.Equal(HttpStatusCode.Found, reset.StatusCode);
            Assert.Equal(1, await browser.LoadCounterAsync());
        }
        else
        {
            await AssertRefusedAsync(reset);
            Assert.Equal(3, await browser.LoadCounterAsync());
        }
    }

    [Fact]
    public async Task AnOriginMatchingAnotherHostIsRefused()
    {
        // The Origin is this app's, but the request names another Host: Origin must match the Host it reached.
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();

        using var reset = await browser.ResetAsync(new Dictionary<string, string>
        {
            ["Origin"] = browser.BaseAddress.GetLeftPart(UriPartial.Authority),
            ["Host"] = "other.example",
        });

        await AssertRefusedAsync(reset);
        Assert.Equal(2, await browser.LoadCounterAsync());
    }

    [Fact]
    public async Task ALinkFromAnotherSiteIsAVisit()
    {
        // Following a link from another site to the counter is normal: a top-level navigation counts.
        using var browser = app.CreateBrowser();
        using var page = await browser.SendAsync(CrossSiteGet("navigate", "document"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(1, BrowserClient.ParseCount(await page.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("no-cors", "image")]
    [InlineData("no-cors", "script")]
    [InlineData("navigate", "iframe")]
    [InlineData("cors", "empty")]
    [InlineData(null, null)]
    public async Task AnotherSiteCannotEmbedOrFetchThePage(string? mode, string? dest)
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();

        using var embedded = await browser.SendAsync(CrossSiteGet(mode, dest));

        await AssertRefusedAsync(embedded);
        Assert.Equal(2, await browser.LoadCounterAsync()); // It did not count.
    }

    private static HttpRequestMessage CrossSiteGet(string? mode, string? dest)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        if (mode is not null)
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", mode);
        }
        if (dest is not null)
        {
            request.Headers.TryAddWithoutValidation("Sec-Fetch-Dest", dest);
        }
        request.Headers.TryAddWithoutValidation("Origin", "https://evil.example");
        return request;
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage reset)
    {
        var html = await reset.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Forbidden, reset.StatusCode);
        Assert.Equal("text/html", reset.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<h1>Request refused</h1>", html, StringComparison.Ordinal);
        Assert.Contains("nosniff", string.Join(",", reset.Headers.GetValues("X-Content-Type-Options")), StringComparison.Ordinal);
        Assert.False(reset.Headers.Contains("Set-Cookie"), "A refused request must not touch the session cookie.");
    }
}
