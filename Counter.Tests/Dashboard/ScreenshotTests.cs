using Counter.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Counter.Tests.Dashboard;

/// <summary>
/// The two pictures in README.md: the counter page, and the dashboard's trace view of one page load.
/// They are written to $COUNTER_SCREENSHOTS_DIR (docs/development.md's command points it at docs/), else
/// under the test output folder, and checked to show what they should.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class ScreenshotTests(EmbeddedAppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private static readonly string Folder = Environment.GetEnvironmentVariable("COUNTER_SCREENSHOTS_DIR") is { Length: > 0 } dir
        ? Path.GetFullPath(dir)
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task CounterPageAndDashboardTraceScreenshots()
    {
        Directory.CreateDirectory(Folder);
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(app.WebUrl.ToString());
        await page.ReloadAsync();
        var traceId = DashboardTelemetry.NewTraceId();
        await page.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["traceparent"] = $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01" });
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByText("Count: 3")).ToBeVisibleAsync();
        var counterPng = Path.Combine(Folder, "counter-page.png");
        await page.ScreenshotAsync(new() { Path = counterPng });

        using (var telemetry = app.CreateTelemetryReader())
        {
            await telemetry.WaitForTraceAsync(traceId, TraceShapes.IsCompleteStoreTrace);
        }
        await using var dashboardContext = await browser.Browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1500, Height = 820 } });
        var dashboard = await dashboardContext.NewPageAsync();
        dashboard.SetDefaultTimeout((float)TestTimeouts.Telemetry.TotalMilliseconds);
        await dashboard.GotoAsync(app.DashboardLoginUrl!.ToString());
        await dashboard.GotoAsync(new Uri(app.DashboardUrl!, $"/traces/detail/{traceId}").ToString());
        await Assertions.Expect(dashboard.GetByText("session save").First).ToBeVisibleAsync();
        await Assertions.Expect(dashboard.GetByText("kv put").First).ToBeVisibleAsync();
        var tracePng = Path.Combine(Folder, "dashboard-trace.png");
        await dashboard.ScreenshotAsync(new() { Path = tracePng });

        Assert.True(new FileInfo(counterPng).Length > 5_000);
        Assert.True(new FileInfo(tracePng).Length > 20_000);
    }
}
