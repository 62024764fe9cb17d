using Counter.Tests.Campaign;
using Counter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Counter.Tests.Reliability;

/// <summary>
/// The campaign through the pages: browsers, each with its own session and several loads of it in
/// flight at once, spread over two web replicas, with Resets, while a seeded nemesis makes the store
/// slower than web's deadline now and then (every load then waits, retries or gives up with 503).
/// From the recorded history alone the counter check must hold for every session: no count served
/// twice, none below what was acknowledged before it, none above what was attempted.
/// </summary>
[Collection(ReliabilityApp.Name)]
[Trait("Category", "Reliability")]
public sealed class PageCampaignTests(ReliabilityAppFixture app, ITestOutputHelper output)
{
    private static readonly TimeSpan Length = CampaignEnvironment.Length(TimeSpan.FromSeconds(25));
    private const int Sessions = 4;
    private const int LoadersPerSession = 3;

    [Fact]
    public async Task EverySessionsCountStaysWithinItsBoundsThroughSlowStores()
    {
        var seed = CampaignEnvironment.Seed();
        var random = new Random(seed);
        var history = new HistoryRecorder();
        var runId = Guid.NewGuid().ToString("N")[..6];
        var clients = Enumerable.Range(0, Sessions).Select(i => new PageClient(app.WebUrl, $"s{i}-{runId}", LoadersPerSession, history)).ToList();
        output.WriteLine($"Seed {seed} (CAMPAIGN_SEED={seed} replays it); {Sessions} sessions × {LoadersPerSession} loaders on 2 web replicas for {Length.TotalSeconds} s.");
        try
        {
            using var stop = new CancellationTokenSource(Length);
            await Task.WhenAll(clients.Select((client, i) => client.StartAsync(i * LoadersPerSession, stop.Token)));
            var loaders = clients
                .SelectMany((client, i) => Enumerable.Range(0, LoadersPerSession).Select(j =>
                    Task.Run(() => client.RunAsync((i * LoadersPerSession) + j, new Random(seed + (i * LoadersPerSession) + j + 1), resetOneIn: 40, stop.Token))))
                .ToList();
            await SlowTheStoreAsync(random, history, stop.Token);
            await Task.WhenAll(loaders).WaitAsync(Length + TestTimeouts.Request);
        }
        finally
        {
            await app.SetStoreDelayAsync(TimeSpan.Zero);
            clients.ForEach(client => client.Dispose());
        }

        var events = history.Snapshot();
        var report = HistoryChecker.Check(events);
        output.WriteLine(report.Describe());
        CampaignFiles.Save($"pages-{seed}", events, report, output.WriteLine, "pages", seed);
        Assert.True(report.Valid, $"Seed {seed}: {report.Anomalies.Count} anomalies:\n{report.Describe()}");
        Assert.True(report.PageOutcomes.GetValueOrDefault(Outcome.Ok) >= 100, "The workload barely ran: " + report.Describe());
        Assert.True(report.Faults.Count > 0, "The nemesis injected no fault: " + report.Describe());
    }

    /// <summary>
    /// The nemesis: from the seed, quiet spells of 2-4 s, then the store slowed by 0.3-3 s a request
    /// (past web's per-call budget and its page deadline at the upper end) for 1-3 s.
    /// </summary>
    private async Task SlowTheStoreAsync(Random random, HistoryRecorder history, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(2000, 4000)), stop);
                var delay = TimeSpan.FromMilliseconds(random.Next(300, 3000));
                var start = history.Now;
                await app.SetStoreDelayAsync(delay);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(random.Next(1000, 3000)), stop);
                }
                finally
                {
                    await app.SetStoreDelayAsync(TimeSpan.Zero);
                    history.Record(new NemesisEvent
                    {
                        Fault = $"slow store ({delay.TotalMilliseconds:F0} ms a call)",
                        Target = "kvstore",
                        Start = start,
                        End = history.Now,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
    }
}
