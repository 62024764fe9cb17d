using System.Globalization;
using System.Net.Http.Headers;
using Counter.Tests.Campaign;
using Counter.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Counter.Tests.Reliability;

/// <summary>
/// The campaign on the embedded store, short: store clients doing random reads, compare-and-sets,
/// creates, deletes and batches on a few shared keys while a seeded nemesis kills (-9) and restarts
/// the store or pauses it (SIGSTOP/SIGCONT); then the checker, from the recorded history alone, must
/// find every key linearizable. The seed is printed; <c>CAMPAIGN_SEED=n</c> replays its fault schedule.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class StoreCampaignTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Length = TimeSpan.FromSeconds(30);
    private const int Clients = 6;
    private const int Keys = 5;

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "campaign-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task EveryKeyStaysLinearizableThroughKillsAndPauses()
    {
        var seed = Environment.GetEnvironmentVariable("CAMPAIGN_SEED") is { Length: > 0 } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        var schedule = NemesisSchedule.ForEmbeddedStore(seed, Length);
        output.WriteLine($"Seed {seed} (CAMPAIGN_SEED={seed} replays it); {Clients} clients on {Keys} keys for {Length.TotalSeconds} s; faults:");
        schedule.ForEach(plan => output.WriteLine("    " + plan));

        var history = new HistoryRecorder();
        var keys = Enumerable.Range(0, Keys).Select(i => $"campaign-k{i}").ToArray();
        await using var nemesis = new StoreNemesis(_dataPath, await KvStoreProcess.StartAsync(_dataPath), history);
        // Below the longest pause, so paused operations time out and are recorded as unknown (info).
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            BaseAddress = nemesis.Store.Url,
            Timeout = TimeSpan.FromSeconds(2),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CounterAppFixture.OperationsCredential);

        using (var stop = new CancellationTokenSource(Length))
        {
            var clients = Enumerable.Range(0, Clients)
                .Select(process => new StoreClient(process, http, history, keys, new Random(seed + process + 1)))
                .Select(client => Task.Run(() => client.RunAsync(stop.Token)))
                .ToList();
            await nemesis.RunAsync(schedule, stop.Token);
            await Task.WhenAll(clients).WaitAsync(Length + TestTimeouts.Request);
        }
        // Every fault is healed: a last read of each key shows what stayed.
        var last = new StoreClient(Clients, http, history, keys, new Random(seed));
        foreach (var key in keys)
        {
            Assert.True(await last.ReadAsync(key), $"The store did not answer the last read of {key} after every fault was healed.");
        }

        var events = history.Snapshot();
        var report = HistoryChecker.Check(events);
        output.WriteLine(report.Describe());
        if (!report.Valid)
        {
            var saved = Path.Combine(Path.GetTempPath(), "counter-tests", $"campaign-history-{seed}.jsonl");
            HistoryFile.Save(events, saved);
            output.WriteLine($"History saved to {saved} (HistoryFile.Load, then HistoryChecker.Check, checks it again).");
        }
        Assert.True(report.Valid, $"Seed {seed}: {report.Anomalies.Count} anomalies, {report.Undecided.Count} keys unknown:\n{report.Describe()}");
        Assert.True(report.StoreOutcomes.GetValueOrDefault(Outcome.Ok) >= 100, "The workload barely ran: " + report.Describe());
        Assert.Equal(schedule.Count, report.Faults.Count);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
