using System.Text.RegularExpressions;
using Counter.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Counter.Tests.Browser;

/// <summary>
/// The counter page in a real browser (Debian's Chromium through Playwright), in both modes:
/// what a person sees and clicks, and the cookie the browser is actually sent.
/// </summary>
public abstract partial class BrowserTests(CounterAppFixture app, BrowserFixture browser)
{
    [Fact]
    public async Task ThreeLoadsShowCountThreeAndResetShowsOne()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync(app.WebUrl.ToString());
        await page.ReloadAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText(CountPattern())).ToHaveTextAsync("Count: 3");

        await page.GetByRole(AriaRole.Button, new() { Name = "Reset" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(app.WebUrl.ToString());
        await Assertions.Expect(page.GetByText(CountPattern())).ToHaveTextAsync("Count: 1");
        await Assertions.Expect(page).ToHaveTitleAsync("Counter example");
    }

    [Fact]
    public async Task TwoBrowserContextsCountIndependently()
    {
        await using var alice = await browser.NewContextAsync();
        await using var bob = await browser.NewContextAsync();
        var alicePage = await alice.NewPageAsync();
        var bobPage = await bob.NewPageAsync();

        await alicePage.GotoAsync(app.WebUrl.ToString());
        await alicePage.ReloadAsync();
        await bobPage.GotoAsync(app.WebUrl.ToString());

        await Assertions.Expect(alicePage.GetByText(CountPattern())).ToHaveTextAsync("Count: 2");
        await Assertions.Expect(bobPage.GetByText(CountPattern())).ToHaveTextAsync("Count: 1");
    }

    [Fact]
    public async Task TheSessionCookieTheBrowserReceivesHasTheExpectedFlags()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(app.WebUrl.ToString());

        var setCookie = (await response!.HeaderValuesAsync("set-cookie")).Single(c => c.StartsWith("session=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/", setCookie, StringComparison.OrdinalIgnoreCase);
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        // Scripts on the page cannot read it.
        Assert.DoesNotContain("session=", await page.EvaluateAsync<string>("document.cookie"), StringComparison.Ordinal);
        AssertModeCookie(cookie.Value);
    }

    [Fact]
    public async Task ThePageIsReadableOnAPhoneWithoutJavaScript()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.WebUrl.ToString());

        var button = page.GetByRole(AriaRole.Button, new() { Name = "Reset" });
        var box = await button.BoundingBoxAsync();

        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.NotNull(box);
        Assert.True(box.X >= 0 && box.X + box.Width <= 420, "The Reset button does not fit a 420px-wide screen.");
        Assert.Equal(0, await page.Locator("script").CountAsync());
    }

    [Fact]
    public async Task AResetFormOnAnotherOriginIsRefusedWhileThePagesOwnResetWorks()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.WebUrl.ToString());
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText(CountPattern())).ToHaveTextAsync("Count: 2");
        using var attacker = new OtherOriginSite(app.WebUrl.Host, $"""
            <!DOCTYPE html><html lang="en"><head><title>Win a prize</title></head><body>
            <form method="post" action="{new Uri(app.WebUrl, "/reset")}"><button type="submit">Claim</button></form>
            </body></html>
            """);

        await page.GotoAsync(attacker.Url.ToString());
        var forged = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Claim" }).ClickAsync(),
            r => r.Url.EndsWith("/reset", StringComparison.Ordinal));

        Assert.Equal(403, forged.Status);
        Assert.Equal("same-site", await forged.Request.HeaderValueAsync("sec-fetch-site"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Request refused");
        await page.GotoAsync(app.WebUrl.ToString());
        await Assertions.Expect(page.GetByText(CountPattern())).ToHaveTextAsync("Count: 3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(app.WebUrl.ToString());
        await Assertions.Expect(page.GetByText(CountPattern())).ToHaveTextAsync("Count: 1");
    }

    [Fact]
    public async Task AnotherSitesImageAndFrameNeitherCountNorStartSessionsButALinkCountsOnce()
    {
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.WebUrl.ToString());
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText(CountPattern())).ToHaveTextAsync("Count: 2");
        var sessionsBefore = await StoredSessionsAsync();
        // Another site (127.0.0.1 is not the same site as localhost), not merely another origin.
        Assert.Equal("localhost", app.WebUrl.Host);
        using var other = new OtherOriginSite("127.0.0.1", $"""
            <!DOCTYPE html><html lang="en"><head><title>Cats</title></head><body>
            <img src="{app.WebUrl}?as=image" alt="">
            <iframe src="{app.WebUrl}?as=frame" title="counter"></iframe>
            <a href="{app.WebUrl}">Visit the counter</a>
            </body></html>
            """);
        var sent = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(app.WebUrl + "?as=", StringComparison.Ordinal))
            {
                sent.Add(request);
            }
        };

        await page.GotoAsync(other.Url.ToString(), new() { WaitUntil = WaitUntilState.Load }); // The image and the frame are done.

        // Both were sent. Chromium does not hand an HTML answer to an <img> (it blocks it), so only the
        // frame's answer can be read here; the store's session count covers both.
        Assert.Equal(["frame", "image"], sent.Select(r => r.Url.Split("?as=")[1]).Order(StringComparer.Ordinal));
        var frame = await sent.Single(r => r.Url.EndsWith("frame", StringComparison.Ordinal)).ResponseAsync();
        Assert.Equal(403, frame!.Status);
        Assert.Equal(sessionsBefore, await StoredSessionsAsync());
        await page.GetByRole(AriaRole.Link, new() { Name = "Visit the counter" }).ClickAsync();
        await Assertions.Expect(page.GetByText(CountPattern())).ToHaveTextAsync("Count: 3");
    }

    /// <summary>Server-side sessions in the store (always 0 in cookie mode, which stores none).</summary>
    private async Task<long> StoredSessionsAsync()
    {
        using var store = app.CreateStoreClient();
        using var answer = System.Text.Json.JsonDocument.Parse(await store.GetStringAsync("/v1/count?prefix=session:"));
        return answer.RootElement.GetProperty("count").GetInt64();
    }

    protected abstract void AssertModeCookie(string value);

    [GeneratedRegex(@"^Count: \d+$")]
    private static partial Regex CountPattern();
}
