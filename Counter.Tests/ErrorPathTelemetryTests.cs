using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Counter.Tests;

/// <summary>
/// The error paths log and trace too: with the Redis-protocol server (Garnet) stopped, pages answer
/// 503 and both services log why, and no log line, exception text or span names a session
/// identifier, a storage key or a credential (the Redis client puts the command's key in its
/// exception messages unless told not to).
/// </summary>
[Collection(RedisApp.Name)]
public sealed class ErrorPathTelemetryTests(RedisAppFixture app)
{
    [Fact]
    public async Task WithTheServerDownNoLogOrSpanNamesAKeyAnIdentifierOrACredential()
    {
        using var telemetry = app.CreateTelemetryReader();
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        var identifier = browser.SessionCookie!;
        var storageKey = StorageKeys.For(identifier);
        var commands = app.App.Services.GetRequiredService<ResourceCommandService>();

        var stopped = await commands.ExecuteCommandAsync("garnet", KnownResourceCommands.StopCommand);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            await app.App.ResourceNotifications.WaitForResourceAsync("garnet", KnownResourceStates.TerminalStates).WaitAsync(TestTimeouts.Startup);
            for (var i = 0; i < 3; i++)
            {
                using var page = await browser.GetAsync("/");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            }
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync("garnet", KnownResourceCommands.StartCommand);
            Assert.True(started.Success, started.Message);
            await app.App.ResourceNotifications.WaitForResourceAsync("garnet", KnownResourceStates.Running).WaitAsync(TestTimeouts.Startup);
        }
        var recovery = Stopwatch.StartNew();
        while (true)
        {
            using var page = await browser.GetAsync("/");
            if (page.StatusCode == HttpStatusCode.OK)
            {
                break;
            }
            Assert.True(recovery.Elapsed < TestTimeouts.Startup, $"Pages still answer {page.StatusCode} after Garnet restarted.");
            await Task.Delay(200);
        }

        // Both sides logged the failure (the store with the client's exception), so the search below covers them.
        var logs = await telemetry.WaitForLogsContainingAsync("Request failed with 503");
        Assert.Contains("Session store unavailable", logs, StringComparison.Ordinal);
        var spans = await telemetry.ReadAllSpansAsync();
        foreach (var secret in new[] { identifier, storageKey["session:".Length..], CounterAppFixture.OperationsKey, CounterAppFixture.WebKey, CounterAppFixture.GarnetPassword })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, spans, StringComparison.Ordinal);
        }
    }
}
