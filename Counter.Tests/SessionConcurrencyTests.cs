using System.Net.Http.Json;
using Counter.Tests.Infrastructure;

namespace Counter.Tests;

/// <summary>No lost update: parallel loads of one session, spread over two web replicas.</summary>
public abstract class SessionConcurrencyTests(CounterAppFixture app)
{
    private const int ParallelLoads = 50;

    [SkippableFact]
    public async Task FiftyParallelLoadsOfOneSessionAcrossReplicasShowEachCountExactlyOnce()
    {
        using var browser = app.CreateBrowser();
        Assert.Equal(1, await browser.LoadCounterAsync());
        var cookie = browser.SessionCookie!;
        var traceId = DashboardTelemetry.NewTraceId();

        // Each load on its own connection, so the proxy spreads them over the replicas.
        var counts = await Task.WhenAll(Enumerable.Range(0, ParallelLoads).Select(async _ =>
        {
            using var http = new HttpClient { BaseAddress = app.WebUrl, Timeout = TestTimeouts.Startup };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("Cookie", $"session={cookie}");
            request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01");
            using var response = await http.SendAsync(request);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {html}");
            return BrowserClient.ParseCount(html);
        }));

        Assert.Equal(Enumerable.Range(2, ParallelLoads), counts.Order());
        var stored = await browser.GetAsync("/count");
        Assert.Equal(ParallelLoads + 1, (await stored.Content.ReadFromJsonAsync<CountResponse>())!.Count);

        // Both replicas served some of the loads (the guarantee is the store's, not a process lock).
        using var telemetry = app.CreateTelemetryReader();
        var spans = await telemetry.WaitForTraceAsync(traceId, s => s.Count(ServerSideTelemetryTests.IsWebServerSpan) == ParallelLoads);
        Assert.Equal(app.WebReplicas, spans.Where(ServerSideTelemetryTests.IsWebServerSpan).Select(s => s.Instance).Distinct().Count());
    }

    private sealed record CountResponse(int Count);
}

[Collection(ServerSideApp.Name)]
public sealed class EmbeddedSessionConcurrencyTests(ServerSideAppFixture app) : SessionConcurrencyTests(app);

[Collection(RedisApp.Name)]
public sealed class RedisSessionConcurrencyTests(RedisAppFixture app) : SessionConcurrencyTests(app);

[Collection(RedisClusterApp.Name)]
public sealed class RedisClusterSessionConcurrencyTests(RedisClusterAppFixture app) : SessionConcurrencyTests(app);
