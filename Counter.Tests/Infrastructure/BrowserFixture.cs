using Microsoft.Playwright;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// One headless Debian Chromium driven by Playwright, shared by a test class; each test opens its
/// own context (its own cookie jar). Null when Chromium is not installed (tests then skip).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser? Browser { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(RequiredTools.ChromiumPath))
        {
            return;
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = RequiredTools.ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
            ],
        });
    }

    public async Task<IBrowserContext> NewContextAsync()
    {
        RequiredTools.SkipUnlessChromium();
        var context = await Browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 420, Height = 640 } });
        context.SetDefaultTimeout((float)TestTimeouts.Request.TotalMilliseconds);
        return context;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
