using Counter.Tests.Infrastructure;

namespace Counter.Tests.Dashboard;

/// <summary>Cookie mode: page loads trace no store call at all.</summary>
[Collection(CookieModeApp.Name)]
public sealed class CookieModeTelemetryTests(CookieModeAppFixture app)
{
    [Fact]
    public async Task PageLoadsInCookieModeHaveNoStoreSpans()
    {
        using var telemetry = app.CreateTelemetryReader();
        using var browser = app.CreateBrowser();

        for (var i = 0; i < 3; i++)
        {
            var traceId = DashboardTelemetry.NewTraceId();
            await browser.LoadCounterAsync(traceId);
            // The server span ends after all its children in the same process, so once it is
            // exported, any client span it had was exported too.
            var spans = await telemetry.WaitForTraceAsync(traceId, s => s.Any(TraceShapes.IsWebServerSpan));

            Assert.DoesNotContain(spans, s => s.Kind == SpanRecord.ClientKind);
            Assert.DoesNotContain(spans, s => s.Service == "kvstore");
            Assert.DoesNotContain(spans, s => s.Name.StartsWith("session ", StringComparison.Ordinal));
        }
    }
}
