using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// What every answer carries whatever produced it: HTML pages (the counter, About, the 403 and 413
/// pages) the same security headers from one place, JSON answers of both services nosniff.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class ResponseHeaderTests(EmbeddedAppFixture app)
{
    [Fact]
    public async Task EveryHtmlAnswerCarriesTheSameSecurityHeaders()
    {
        using var browser = app.CreateBrowser();
        using var counter = await browser.GetAsync("/");
        using var about = await browser.GetAsync("/about");
        using var refused = await browser.ResetAsync(new Dictionary<string, string> { ["Sec-Fetch-Site"] = "cross-site" });
        using var tooLarge = await browser.ResetAsync(body: new StringContent(new string('x', 9000), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        foreach (var (answer, status) in new[] { (counter, HttpStatusCode.OK), (about, HttpStatusCode.OK), (refused, HttpStatusCode.Forbidden), (tooLarge, HttpStatusCode.RequestEntityTooLarge) })
        {
            Assert.Equal(status, answer.StatusCode);
            Assert.Equal("text/html", answer.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", Header(answer, "X-Content-Type-Options"));
            Assert.Equal("same-origin", Header(answer, "Referrer-Policy"));
            Assert.Equal("no-store", Header(answer, "Cache-Control"));
            Assert.StartsWith("default-src 'none'", Header(answer, "Content-Security-Policy"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ResetTakesASmallBodyOnlyAndARefusedOneChangesNothing()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();

        using var tooLarge = await browser.ResetAsync(body: new StringContent(new string('x', 8 * 1024 + 1), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("<h1>Request too large</h1>", await tooLarge.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(3, await browser.LoadCounterAsync());

        using var justFits = await browser.ResetAsync(body: new StringContent(new string('x', 8 * 1024), System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.Found, justFits.StatusCode);
        Assert.Equal(1, await browser.LoadCounterAsync());
    }

    [Fact]
    public async Task JsonAnswersOfBothServicesCarryNosniff()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        using var count = await browser.GetAsync("/count");
        using var store = app.CreateStoreClient();
        using var missing = await store.GetAsync("/v1/keys/no-such-key-" + Guid.NewGuid().ToString("N"));
        using var anonymous = app.CreateStoreClient(credential: null);
        using var unauthorized = await anonymous.GetAsync("/v1/keys/x");
        using var web = new HttpClient { BaseAddress = app.WebUrl, Timeout = TestTimeouts.Request };
        using var hookWithoutCredential = await web.PostAsync("/_testing/clock?offsetSeconds=0", null);
        using var unknownPath = await web.GetAsync("/no-such-page");

        Assert.Equal("nosniff", Header(count, "X-Content-Type-Options"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("nosniff", Header(missing, "X-Content-Type-Options"));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("nosniff", Header(unauthorized, "X-Content-Type-Options"));
        Assert.Equal(HttpStatusCode.Unauthorized, hookWithoutCredential.StatusCode);
        Assert.Equal("nosniff", Header(hookWithoutCredential, "X-Content-Type-Options"));
        Assert.Equal(HttpStatusCode.NotFound, unknownPath.StatusCode);
        Assert.Equal("nosniff", Header(unknownPath, "X-Content-Type-Options"));
    }

    private static string Header(HttpResponseMessage answer, string name) =>
        answer.Headers.TryGetValues(name, out var values) || answer.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values)
            : "(absent)";
}
