using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Reliability;

/// <summary>
/// The store stops: pages answer 503 quickly (no hang, no 500); it starts again: pages recover by
/// themselves and sessions continue where they were.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class StoreOutageTests(EmbeddedAppFixture app)
{
    private static readonly TimeSpan PageBound = TimeSpan.FromSeconds(2.5);

    [Fact]
    public async Task PagesAnswer503WhileTheStoreIsStoppedAndRecoverAfterItStarts()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync();
        var commands = app.App.Services.GetRequiredService<ResourceCommandService>();

        var stopped = await commands.ExecuteCommandAsync("kvstore", KnownResourceCommands.StopCommand);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            await app.App.ResourceNotifications.WaitForResourceAsync("kvstore", KnownResourceStates.TerminalStates).WaitAsync(TestTimeouts.Startup);
            for (var i = 0; i < 3; i++)
            {
                var timer = Stopwatch.StartNew();
                using var response = await browser.GetAsync("/");
                timer.Stop();

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.True(timer.Elapsed < PageBound, $"The 503 took {timer.Elapsed}.");
                Assert.Contains("Session store unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync("kvstore", KnownResourceCommands.StartCommand);
            Assert.True(started.Success, started.Message);
            await app.App.ResourceNotifications.WaitForResourceHealthyAsync("kvstore").WaitAsync(TestTimeouts.Startup);
        }

        // The circuit breaker lets a probe through within its break duration: poll, bounded.
        var deadline = Stopwatch.StartNew();
        HttpStatusCode status;
        string html;
        do
        {
            using var response = await browser.GetAsync("/");
            status = response.StatusCode;
            html = await response.Content.ReadAsStringAsync();
        }
        while (status != HttpStatusCode.OK && deadline.Elapsed < TestTimeouts.Request && await Delay());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, BrowserClient.ParseCount(html));

        // Every replica recovers, not just the one this browser's connection reached: fresh
        // connections spread over them; each replica's breaker closes after its own probe.
        var consecutive = 0;
        while (consecutive < 10 && deadline.Elapsed < TestTimeouts.Request)
        {
            using var fresh = app.CreateBrowser();
            using var response = await fresh.GetAsync("/");
            consecutive = response.StatusCode == HttpStatusCode.OK ? consecutive + 1 : 0;
            if (consecutive == 0)
            {
                await Delay();
            }
        }
        Assert.True(consecutive >= 10, "Not every web replica recovered after the store came back.");
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(200);
        return true;
    }
}
