using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Counter.Tests.Dashboard;

/// <summary>
/// The error paths log and trace too: with the Redis-protocol server (Garnet) stopped, pages answer
/// 503 and both services log why, and no log line, exception text or span names a session
/// identifier, a storage key or a credential (the Redis client puts the command's key in its
/// exception messages unless told not to).
/// </summary>
[Collection(GarnetApp.Name)]
public sealed class ErrorPathTelemetryTests(GarnetAppFixture app)
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

        var storeTrace = DashboardTelemetry.NewTraceId();
        var pageTrace = DashboardTelemetry.NewTraceId();
        var stopped = await commands.ExecuteCommandAsync("garnet", KnownResourceCommands.StopCommand);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            await app.App.ResourceNotifications.WaitForResourceAsync("garnet", KnownResourceStates.TerminalStates).WaitAsync(TestTimeouts.Startup);
            // The store's own error path, for the session's key (what web would write)...
            using (var store = app.CreateStoreClient())
            using (var put = new HttpRequestMessage(HttpMethod.Put, $"/v1/keys/{storageKey}") { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") })
            {
                put.Headers.Add("traceparent", Traceparent(storeTrace));
                using var refused = await store.SendAsync(put);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }
            // ...and web's, for the page.
            for (var i = 0; i < 3; i++)
            {
                using var page = await browser.GetAsync("/");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            }
            using var traced = new HttpRequestMessage(HttpMethod.Get, "/");
            traced.Headers.Add("traceparent", Traceparent(pageTrace));
            using var tracedPage = await browser.SendAsync(traced);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, tracedPage.StatusCode);
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

        // Each side logged its failure (the store with the Redis client's exception), in its trace.
        var storeLogs = await telemetry.WaitForTraceLogsContainingAsync(storeTrace, "Request failed with 503");
        Assert.Matches("Redis(Connection)?Exception", storeLogs);
        var pageLogs = await telemetry.WaitForTraceLogsContainingAsync(pageTrace, "Session store unavailable");
        var spans = await telemetry.WaitForTraceAsync(pageTrace, s => s.Any(TraceShapes.IsWebServerSpan));
        var storeSpans = await telemetry.WaitForTraceAsync(storeTrace, s => s.Any(x => x.Service == "kvstore" && x.Kind == SpanRecord.ServerKind));
        foreach (var secret in new[] { identifier, storageKey["session:".Length..], CounterAppFixture.OperationsCredential, CounterAppFixture.WebCredential, CounterAppFixture.GarnetPassword })
        {
            Assert.DoesNotContain(secret, storeLogs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, pageLogs, StringComparison.Ordinal);
            Assert.All(spans.Concat(storeSpans), span =>
            {
                Assert.DoesNotContain(secret, span.Name, StringComparison.Ordinal);
                Assert.All(span.Attributes, a => Assert.False(a.Value.Contains(secret, StringComparison.Ordinal), $"Span '{span.Name}' attribute {a.Key}={a.Value} names a key or secret."));
            });
        }
    }

    private static string Traceparent(string traceId) => $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01";
}
