using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

/// <summary>
/// Under load the web app sends session saves that queue behind an outstanding store write as one
/// batch (POST /v1/batch). Made deterministic with a slow store: the first saves hold the write
/// slots for 400 ms, so the others are queued and must go together, each with its own result.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class WriteCoalescingTests(EmbeddedAppFixture app)
{
    private const int Users = 10;

    [Fact]
    public async Task SavesQueuedBehindASlowWriteGoAsOneBatchAndEachKeepsItsOwnResult()
    {
        var browsers = Enumerable.Range(0, Users).Select(_ => app.CreateBrowser()).ToList();
        try
        {
            foreach (var browser in browsers)
            {
                Assert.Equal(1, await browser.LoadCounterAsync());
            }
            var traceIds = browsers.Select(_ => DashboardTelemetry.NewTraceId()).ToList();
            int[] counts;
            await app.SetStoreDelayAsync(TimeSpan.FromMilliseconds(400));
            try
            {
                counts = await Task.WhenAll(browsers.Select((b, i) => b.LoadCounterAsync(traceIds[i])));
            }
            finally
            {
                await app.SetStoreDelayAsync(TimeSpan.Zero);
            }

            Assert.All(counts, count => Assert.Equal(2, count));
            using var telemetry = app.CreateTelemetryReader();
            var batched = 0;
            foreach (var traceId in traceIds)
            {
                var spans = await telemetry.WaitForTraceAsync(traceId, s => s.Any(TraceShapes.IsWebServerSpan));
                var save = Assert.Single(spans, s => s.Name == "session save");
                Assert.Equal("saved", save.Attributes["session.outcome"]);
                batched += save.Attributes.ContainsKey("kvstore.batch_size") ? 1 : 0;
            }
            // Two write slots per replica: at most 4 of the 10 saves went alone.
            Assert.True(batched >= Users - 4, $"Only {batched} of {Users} saves were batched.");
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }
}
