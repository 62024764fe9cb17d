using System.Net.Http.Headers;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Campaign;

/// <summary>
/// One run of the store campaign: a real store process (embedded, over one redis-server or Garnet
/// server, or over a Redis Cluster the run starts), store clients doing random reads,
/// compare-and-sets, creates, deletes and batches on a few shared keys, the nemesis injecting the
/// schedule's faults, a last read of every key once all are healed, then the checker on the history.
/// </summary>
public sealed class StoreCampaign(StoreCampaignOptions options, Action<string> log)
{
    /// <summary>Every write's time to live: far longer than a run, shorter than a clock step.</summary>
    public const int TtlSeconds = 1200;

    /// <summary>The run's own folder (the store's data, the servers' logs), deleted when it ends.</summary>
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "campaign-" + Guid.NewGuid().ToString("N"));

    /// <summary>The store's <c>ConnectionStrings:redis</c> on the Redis topologies.</summary>
    private string? _connectionString;

    /// <summary>The embedded store's disk faults, when the run has them.</summary>
    private DiskFaults? _disk;

    public async Task<(CheckReport Report, IReadOnlyList<HistoryEvent> History, IReadOnlyList<FaultPlan> Schedule)> RunAsync()
    {
        try
        {
            return await RunInFolderAsync();
        }
        finally
        {
            if (Directory.Exists(_dataPath))
            {
                Directory.Delete(_dataPath, recursive: true);
            }
        }
    }

    private async Task<(CheckReport Report, IReadOnlyList<HistoryEvent> History, IReadOnlyList<FaultPlan> Schedule)> RunInFolderAsync()
    {
        var partitions = options.Partitions && RequiredTools.Usable(NetworkPartition.IsAvailable, NetworkPartition.InstallStep);
        await using var disk = _disk = options.DiskFaults && options.Topology == CampaignTopology.Embedded ? await DiskFaults.CreateAsync(log) : null;
        var schedule = options.Topology switch
        {
            CampaignTopology.RedisServer => NemesisSchedule.ForRedisServer(options.Seed, options.Length, partitions),
            CampaignTopology.Garnet => NemesisSchedule.ForGarnet(options.Seed, options.Length, partitions),
            CampaignTopology.RedisCluster => NemesisSchedule.ForRedisCluster(options.Seed, options.Length),
            _ => NemesisSchedule.ForEmbeddedStore(options.Seed, options.Length, options.ClockSteps, partitions, disk?.Kinds),
        };
        if (options.Partitions && !partitions)
        {
            log($"No network partitions in this run: nft is unusable here. {NetworkPartition.InstallStep}");
        }
        log($"{options.Topology}{(options.Topology == CampaignTopology.RedisCluster ? $" (Storage:Redis:ReplicaAcknowledgements={options.ReplicaAcknowledgements})" : "")}: "
            + $"seed {options.Seed} (CAMPAIGN_SEED={options.Seed} replays it); {options.Clients} clients on {options.Keys} keys for {options.Length.TotalSeconds} s"
            + (options.StoreDll is { } dll ? $"; store {dll}" : "") + (options.IgnoreConditions ? "; the store ignores If-Match / If-None-Match (deliberately wrong)" : "")
            + "; faults:");
        schedule.ForEach(plan => log("    " + plan));

        await using RedisProtocolServerProcess? server = options.Topology switch
        {
            CampaignTopology.RedisServer => await RedisServerProcess.StartAsync(Path.Combine(_dataPath, "redis")),
            CampaignTopology.Garnet => await GarnetServerProcess.StartAsync(Path.Combine(_dataPath, "garnet")),
            _ => null,
        };
        await using var partition = partitions ? new NetworkPartition() : null;
        using var startup = TestTimeouts.StartupSource();
        await using var cluster = options.Topology == CampaignTopology.RedisCluster
            ? await RedisCluster.StartAsync(startup.Token)
            : null;
        _connectionString = server?.ConnectionString ?? cluster?.ConnectionString;
        var history = new HistoryRecorder();
        var keys = Enumerable.Range(0, options.Keys).Select(i => $"campaign-k{i}").ToArray();
        await using var nemesis = new StoreNemesis(await StartAsync(null), StartAsync, history, server, cluster, new Random(options.Seed), partition, disk);
        // Below the longest pause, so paused operations time out and are recorded as unknown (info).
        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            BaseAddress = nemesis.Store.Url,
            Timeout = TimeSpan.FromSeconds(2),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CounterAppFixture.OperationsCredential);
        int? ttl = options.ClockSteps ? TtlSeconds : null;

        using (var stop = new CancellationTokenSource(options.Length))
        {
            var clients = Enumerable.Range(0, options.Clients)
                .Select(process => new StoreClient(process, http, history, keys, new Random(options.Seed + process + 1), ttl))
                .Select(client => Task.Run(() => client.RunAsync(stop.Token)))
                .ToList();
            await nemesis.RunAsync(schedule, stop.Token);
            await Task.WhenAll(clients).WaitAsync(options.Length + TestTimeouts.Request);
        }
        // Every fault is healed: a last read of each key shows what stayed.
        var last = new StoreClient(options.Clients, http, history, keys, new Random(options.Seed));
        foreach (var key in keys)
        {
            if (!await last.ReadUntilServedAsync(key, TestTimeouts.Request))
            {
                throw new InvalidOperationException($"The store did not serve the last read of {key} within {TestTimeouts.Request} after every fault was healed.");
            }
        }

        var events = history.Snapshot();
        var report = HistoryChecker.Check(events);
        log(options.LossesExpected && report.Anomalies.Count > 0
            ? $"Expected by the docs (docs/guarantees.md: without replica acknowledgements a failover may lose acknowledged writes): {report.Anomalies.Count} anomalies.\n" + report.Describe()
            : report.Describe());
        CampaignFiles.Save(options.Name, events, report, log, options.TopologyName, options.Seed, options.LossesExpected);
        return (report, events, schedule);
    }

    /// <summary>Starts (or restarts, at <paramref name="url"/>) the store with the hooks the run needs, and turns the deliberate defect on.</summary>
    private async Task<KvStoreProcess> StartAsync(Uri? url)
    {
        var environment = new Dictionary<string, string>();
        if (_connectionString is { } connectionString)
        {
            environment["Storage__Backend"] = "Redis";
            environment["ConnectionStrings__redis"] = connectionString;
            environment["Storage__Redis__ReplicaAcknowledgements"] = options.ReplicaAcknowledgements.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (options.ClockSteps || options.IgnoreConditions)
        {
            environment["ASPNETCORE_ENVIRONMENT"] = "Development"; // Test hooks run only there.
        }
        if (options.ClockSteps)
        {
            environment["Testing__TestClock"] = "true";
            environment["Storage__Sqlite__SweepInterval"] = "00:00:01"; // Sweeps run during every clock step.
        }
        if (options.IgnoreConditions)
        {
            environment["Testing__FaultInjection"] = "true";
        }
        var store = await KvStoreProcess.StartAsync(_disk?.DataPath(_dataPath) ?? _dataPath, environment: environment, url: url, dll: options.StoreDll, launcher: _disk?.Launcher);
        if (options.IgnoreConditions)
        {
            using var client = store.CreateClient();
            using var response = await client.PostAsync("/_testing/faults?ignoreIfMatch=true", null);
            response.EnsureSuccessStatusCode();
        }
        return store;
    }
}
