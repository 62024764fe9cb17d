using System.Globalization;
using Counter.Tests.Campaign;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Reliability;

/// <summary>
/// The campaign through the pages, on the whole app started through Aspire (two web replicas, the
/// embedded store): browsers, each with its own session and several loads of it in flight at once,
/// spread over both replicas, with Resets, while a seeded nemesis (<see cref="PageNemesis"/>) kills
/// (-9) and restarts a web replica or the store, pauses one (SIGSTOP for up to 10 s, then SIGCONT), or
/// makes the store slower than web's deadline; every kind at least once per run. From the recorded
/// history alone the counter check must hold for every session: no count served twice, none below
/// what was acknowledged before it, none above what was attempted. And every answer is one a page
/// may give under faults: a count, a 429, or a 503 within the page bound (no 500, no hang); a broken
/// connection only while a web replica was killed, a timeout only while one was paused.
/// </summary>
[Collection(ReliabilityApp.Name)]
[Trait("Category", "Reliability")]
public sealed class PageCampaignTests(ReliabilityAppFixture app, ITestOutputHelper output)
{
    private static readonly TimeSpan Length = CampaignEnvironment.Length(TimeSpan.FromSeconds(30));
    private const int Sessions = 4;
    private const int LoadersPerSession = 3;

    [Fact]
    public async Task EverySessionsCountStaysWithinItsBoundsThroughKillsPausesAndSlowStores()
    {
        var seed = CampaignEnvironment.Seed();
        var schedule = PageNemesis.Schedule(seed, Length);
        var history = new HistoryRecorder();
        var runId = Guid.NewGuid().ToString("N")[..6];
        var clients = Enumerable.Range(0, Sessions).Select(i => new PageClient(app.WebUrl, $"s{i}-{runId}", LoadersPerSession, history)).ToList();
        output.WriteLine($"Seed {seed} (CAMPAIGN_SEED={seed} replays it); {Sessions} sessions × {LoadersPerSession} loaders on 2 web replicas for {Length.TotalSeconds} s "
            + "(longer until every kind of fault has run); faults:");
        schedule.ForEach(plan => output.WriteLine("    " + plan));
        var lastLoads = new bool[Sessions];
        using var stop = new CancellationTokenSource();
        var loaders = new List<Task>();
        try
        {
            using var length = new CancellationTokenSource(Length);
            await Task.WhenAll(clients.Select((client, i) => client.StartAsync(i * LoadersPerSession, stop.Token)));
            loaders.AddRange(clients.SelectMany((client, i) => Enumerable.Range(0, LoadersPerSession).Select(j =>
                Task.Run(() => client.RunAsync((i * LoadersPerSession) + j, new Random(seed + (i * LoadersPerSession) + j + 1), resetOneIn: 40, stop.Token)))));
            await new PageNemesis(app, history, new Random(seed)).RunAsync(schedule, length.Token);
            await Task.Delay(Timeout.InfiniteTimeSpan, length.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            await stop.CancelAsync();
            await Task.WhenAll(loaders).WaitAsync(TestTimeouts.Startup);
            // Every fault is healed: a last load of each session must be served, and shows what stayed.
            using var last = TestTimeouts.After(TestTimeouts.Request);
            lastLoads = await Task.WhenAll(clients.Select((client, i) => client.StartAsync(i * LoadersPerSession, last.Token)));
            await EveryReplicaServesAsync();
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loaders).WaitAsync(TestTimeouts.Startup).ContinueWith(_ => { }, TaskScheduler.Default);
            await app.SetStoreDelayAsync(TimeSpan.Zero);
            clients.ForEach(client => client.Dispose());
        }

        var events = history.Snapshot();
        var report = HistoryChecker.Check(events);
        output.WriteLine(report.Describe());
        CampaignFiles.Save($"pages-{seed}", events, report, output.WriteLine, "pages", seed);
        Assert.True(report.Valid, $"Seed {seed}: {report.Anomalies.Count} anomalies:\n{report.Describe()}");
        Assert.All(lastLoads, served => Assert.True(served, $"Seed {seed}: a session was not served after every fault was healed."));
        Assert.True(report.PageOutcomes.GetValueOrDefault(Outcome.Ok) >= 100, "The workload barely ran: " + report.Describe());
        Assert.All(PageNemesis.Kinds, kind => Assert.Contains(report.Faults, fault => fault.Fault == kind));
        // Sessions live in the store, not in a web process: while one replica was killed and restarted, the other served them.
        Assert.All(report.Faults.Where(fault => fault.Fault == PageNemesis.WebKill), kill => Assert.Contains(events.OfType<PageOperation>(),
            op => op.Outcome == Outcome.Ok && op.Invoke >= kill.Start && op.Invoke <= kill.End));
        var wrong = UnexpectedAnswers(events);
        Assert.True(wrong.Count == 0, $"Seed {seed}: {wrong.Count} answers a page may not give under these faults:\n"
            + string.Join('\n', wrong.Take(10).Select(op => op.Describe())));
    }

    /// <summary>
    /// Every replica serves pages again, not just the ones the clients' kept-alive connections reach:
    /// fresh connections spread over them, and each replica's circuit breaker closes after its own probe.
    /// </summary>
    private async Task EveryReplicaServesAsync()
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        for (var consecutive = 0; consecutive < 10;)
        {
            Assert.True(deadline.Elapsed < TestTimeouts.Request, "Not every web replica served pages again after every fault was healed.");
            using var fresh = app.CreateBrowser();
            using var response = await fresh.GetAsync("/");
            consecutive = response.StatusCode == HttpStatusCode.OK ? consecutive + 1 : 0;
            if (consecutive == 0)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>
    /// The operations whose answer no fault in force explains: any status but 200, 302/303, 429 and
    /// 503; a 503 slower than the page bound unless a web replica was paused meanwhile; a timeout
    /// unless one was paused; a broken connection unless one was killed.
    /// </summary>
    private static List<PageOperation> UnexpectedAnswers(IReadOnlyList<HistoryEvent> events)
    {
        var faults = events.OfType<NemesisEvent>().ToList();
        return [.. events.OfType<PageOperation>().Where(op => op.Outcome != Outcome.Ok && !Explained(op))];

        bool During(PageOperation op, string kind) => faults.Any(fault => fault.Fault == kind && op.Invoke <= fault.End && op.Return >= fault.Start);

        bool Explained(PageOperation op) => op.Note switch
        {
            "429" => true,
            "503" => TimeSpan.FromMicroseconds(op.Return - op.Invoke) < LoadDriver.PageBound || During(op, PageNemesis.WebPause),
            "timeout" => During(op, PageNemesis.WebPause),
            { } note when int.TryParse(note, NumberStyles.None, CultureInfo.InvariantCulture, out _) => false,
            _ => During(op, PageNemesis.WebKill),
        };
    }
}
