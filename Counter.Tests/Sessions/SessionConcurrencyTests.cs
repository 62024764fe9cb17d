using System.Net.Http.Json;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

/// <summary>
/// No lost update: parallel loads of one session, spread over two web replicas. Each replica lets one
/// request of a session at a time reach the store (SessionGate), so conflicts come only from the other
/// replica and a small retry cap (Session:MaxConflictRetries) suffices.
/// </summary>
public abstract class SessionConcurrencyTests(CounterAppFixture app, ITestOutputHelper output)
{
    private const int ParallelLoads = 200;

    /// <summary>
    /// A burst of 200 loads of one session: each 200 shows its own count, and the stored count holds
    /// every one of them (no lost update, no count shown twice). A load that waited past the request
    /// deadline (Session:RequestDeadline) behind the others answers 503 with Retry-After instead;
    /// one cut off while its save was in flight may still have counted, as with any timeout.
    /// </summary>
    [Fact]
    public async Task TwoHundredParallelLoadsOfOneSessionAcrossReplicasLoseNoUpdate()
    {
        // A first, smaller burst of another session: what is timed below is a warm app, not a cold JIT.
        using (var warmUp = app.CreateBrowser())
        {
            Assert.Equal(1, await warmUp.LoadCounterAsync());
            await BurstAsync(warmUp.SessionCookie!, DashboardTelemetry.NewTraceId(), ParallelLoads / 10);
        }
        using var browser = app.CreateBrowser();
        Assert.Equal(1, await browser.LoadCounterAsync());
        var traceId = DashboardTelemetry.NewTraceId();

        var started = System.Diagnostics.Stopwatch.StartNew();
        var answers = await BurstAsync(browser.SessionCookie!, traceId, ParallelLoads);
        var elapsed = started.Elapsed;

        var counts = answers.OfType<int>().ToList();
        var stored = (await (await browser.GetAsync("/count")).Content.ReadFromJsonAsync<CountResponse>())!.Count;
        output.WriteLine($"{ParallelLoads} parallel loads of one session: {counts.Count} served, {ParallelLoads - counts.Count} answered 503, in {elapsed.TotalSeconds:0.00} s; stored count {stored}.");
        Assert.Equal(counts.Count, counts.Distinct().Count());
        Assert.All(counts, count => Assert.InRange(count, 2, stored));
        Assert.InRange(stored, counts.Count + 1, ParallelLoads + 1);
        // How many fit in the deadline is a matter of speed (the benchmark's business); that the
        // session goes on after the burst is not: no turn at the gate or version was left behind.
        Assert.NotEmpty(counts);
        Assert.True(await browser.LoadCounterAsync() > stored, "The session did not go on counting after the burst.");

        // Both replicas served some of the loads (the guarantee is the store's, not a process lock).
        using var telemetry = app.CreateTelemetryReader();
        var spans = await telemetry.WaitForTraceAsync(traceId, s => s.Count(TraceShapes.IsWebServerSpan) == ParallelLoads);
        Assert.Equal(app.WebReplicas, spans.Where(TraceShapes.IsWebServerSpan).Select(s => s.Instance).Distinct().Count());
    }

    /// <summary>Loads of one session, all at once, each on its own connection so the proxy spreads them over the replicas; null for a 503.</summary>
    private Task<int?[]> BurstAsync(string cookie, string traceId, int loads) =>
        Task.WhenAll(Enumerable.Range(0, loads).Select(async _ =>
        {
            using var http = new HttpClient { BaseAddress = app.WebUrl, Timeout = TestTimeouts.Request };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("Cookie", $"session={cookie}");
            request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01");
            using var response = await http.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                Assert.True(response.Headers.RetryAfter is not null, "A 503 without Retry-After.");
                return (int?)null;
            }
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {html}");
            return BrowserClient.ParseCount(html);
        }));

    private sealed record CountResponse(int Count);
}
