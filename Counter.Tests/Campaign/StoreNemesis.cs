using System.Diagnostics;
using System.Globalization;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Campaign;

/// <summary>
/// Injects a schedule's faults into the embedded store run as a real process, recording each in the
/// history: <c>kill</c> is SIGKILL, then a restart over the same data folder at the same address
/// (by <paramref name="restart"/>, which may also set the new process up); <c>pause</c> is SIGSTOP,
/// then SIGCONT; <c>clock-ahead</c> and <c>clock-behind</c> step the store's wall clock alone (its
/// test clock) by <see cref="NemesisSchedule.ClockStep"/>, then set it right. Every fault is healed
/// before the next one starts. Over Redis it also kills (-9, then a restart over the append-only
/// file or log) or pauses <paramref name="redis"/> (redis-server or Garnet), and on a <paramref name="cluster"/> kills a primary
/// (chosen by <paramref name="targets"/>) until its replica is promoted, then adds a fresh replica.
/// With a <paramref name="partition"/>, it cuts the store from its clients or from its server (<see cref="NemesisSchedule.PartitionKinds"/>).
/// The embedded store's disk faults are <paramref name="disk"/>'s (<see cref="DiskFaults"/>).
/// </summary>
public sealed class StoreNemesis(KvStoreProcess store, Func<Uri, Task<KvStoreProcess>> restart, HistoryRecorder history,
    RedisProtocolServerProcess? redis = null, RedisCluster? cluster = null, Random? targets = null, NetworkPartition? partition = null, DiskFaults? disk = null) : IAsyncDisposable
{
    public KvStoreProcess Store { get; private set; } = store;

    public async Task RunAsync(IReadOnlyList<FaultPlan> schedule, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        foreach (var plan in schedule)
        {
            var wait = plan.At - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            if (stop.IsCancellationRequested)
            {
                return;
            }
            var start = history.Now;
            var target = "kvstore";
            long healed;
            switch (plan.Fault)
            {
                case "kill":
                    var url = Store.Url;
                    await Store.KillAsync();
                    await Store.DisposeAsync();
                    await Task.Delay(plan.Duration, CancellationToken.None);
                    healed = history.Now;
                    Store = await restart(url);
                    break;
                case "pause":
                    await Store.PauseAsync();
                    try
                    {
                        await Task.Delay(plan.Duration, CancellationToken.None);
                    }
                    finally
                    {
                        healed = history.Now;
                        await Store.ResumeAsync();
                    }
                    break;
                case "clock-ahead" or "clock-behind":
                    var step = plan.Fault == "clock-ahead" ? NemesisSchedule.ClockStep : -NemesisSchedule.ClockStep;
                    await StepClockAsync(Store, step);
                    await Task.Delay(plan.Duration, CancellationToken.None);
                    healed = history.Now;
                    await StepClockAsync(Store, TimeSpan.Zero);
                    break;
                case "redis-kill" or "garnet-kill":
                    target = Redis.Name;
                    await Redis.KillAsync();
                    await Task.Delay(plan.Duration, CancellationToken.None);
                    healed = history.Now;
                    await Redis.RestartAsync();
                    break;
                case "redis-pause" or "garnet-pause":
                    target = Redis.Name;
                    await Redis.PauseAsync();
                    try
                    {
                        await Task.Delay(plan.Duration, CancellationToken.None);
                    }
                    finally
                    {
                        healed = history.Now;
                        await Redis.ResumeAsync();
                    }
                    break;
                case "partition-clients" or "partition-backend":
                    (target, healed) = await PartitionAsync(plan);
                    break;
                case DiskFaults.FsyncErrors or DiskFaults.WriteErrors or DiskFaults.Full:
                    (healed, Store, target) = await (disk ?? throw new InvalidOperationException("A disk fault without DiskFaults.")).InjectAsync(plan, Store, restart, history);
                    break;
                case "primary-kill" or "primary-kill-lagging-replica":
                    (target, healed) = await KillPrimaryAsync(plan);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown fault '{plan.Fault}'.");
            }
            history.Record(new NemesisEvent { Fault = plan.Fault, Target = target, Start = start, Healed = healed, End = history.Now });
        }
    }

    private RedisProtocolServerProcess Redis => redis ?? throw new InvalidOperationException("A Redis fault without a Redis-protocol server.");

    /// <summary>Drops every packet to and from the store's port (clients) or its server's (backend) for the plan's duration, then heals.</summary>
    private async Task<(string Target, long Healed)> PartitionAsync(FaultPlan plan)
    {
        var cut = partition ?? throw new InvalidOperationException("A partition without nft.");
        var clients = plan.Fault == "partition-clients";
        var port = clients ? Store.Url.Port : Redis.Port;
        await cut.CutAsync(port);
        long healed;
        try
        {
            await Task.Delay(plan.Duration, CancellationToken.None);
        }
        finally
        {
            healed = history.Now;
            await cut.HealAsync();
        }
        return (clients ? $"store clients | kvstore :{port}" : $"kvstore | {Redis.Name} :{port}", healed);
    }

    /// <summary>
    /// Kills a primary; with a lagging replica, first freezes its replica and closes the replication
    /// link, so the writes of the next <see cref="FaultPlan.Duration"/> reach the primary alone. The
    /// fault lasts until the replica is promoted; healing adds a fresh, empty node as its replica.
    /// </summary>
    private async Task<(string Target, long Healed)> KillPrimaryAsync(FaultPlan plan)
    {
        var nodes = cluster ?? throw new InvalidOperationException("A cluster fault without a cluster.");
        var primaries = (await nodes.PrimaryPortsAsync()).Order().ToList();
        var primary = primaries[(targets ?? Random.Shared).Next(primaries.Count)];
        var replica = await nodes.WaitForReplicaOfAsync(primary, CancellationToken.None);
        var lagging = plan.Fault == "primary-kill-lagging-replica";
        if (lagging)
        {
            await nodes.PauseAsync(replica);
            await RedisCluster.CliAsync(primary, "CLIENT", "KILL", "TYPE", "replica");
            await Task.Delay(plan.Duration, CancellationToken.None);
        }
        nodes.Kill(primary);
        if (lagging)
        {
            await nodes.ResumeAsync(replica);
        }
        await nodes.WaitUntilPrimaryAsync(replica, CancellationToken.None);
        var healed = history.Now;
        await nodes.ReplaceWithReplicaAsync(primary, CancellationToken.None);
        return ($"redis primary {primary} (replica {replica})", healed);
    }

    /// <summary>
    /// Steps the store's wall clock alone (<c>stepSeconds</c>). A store whose hook predates
    /// <c>stepSeconds</c> refuses it (400); there <c>offsetSeconds</c> moved the wall clock alone, so that is sent.
    /// </summary>
    public static async Task StepClockAsync(KvStoreProcess store, TimeSpan step)
    {
        using var client = store.CreateClient();
        var seconds = step.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        using var response = await client.PostAsync($"/_testing/clock?stepSeconds={seconds}", null);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            using var older = await client.PostAsync($"/_testing/clock?offsetSeconds={seconds}", null);
            older.EnsureSuccessStatusCode();
            return;
        }
        response.EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
