namespace Counter.Tests.Campaign;

/// <summary>A seeded random fault schedule: the same seed gives the same faults at the same offsets.</summary>
public static class NemesisSchedule
{
    /// <summary>How far a clock fault steps the store's wall clock: past the workload's time to live.</summary>
    public static readonly TimeSpan ClockStep = TimeSpan.FromSeconds(1500);

    /// <summary>
    /// kill -9 (down 0-1 s, then restarted over the same data) or a pause (SIGSTOP for 0.1-3 s), one at
    /// a time, 1.5-4 s apart. With <paramref name="clockSteps"/>, also steps of the wall clock alone,
    /// <see cref="ClockStep"/> ahead (<c>clock-ahead</c>) or behind (<c>clock-behind</c>) for 1.5-4 s,
    /// then set right. With <paramref name="partitions"/>, also <c>partition-clients</c> (see
    /// <see cref="PartitionKinds"/>); with <paramref name="diskFaults"/> (<see cref="DiskFaults.Kinds"/>), also
    /// I/O errors for 0.3-3 s (<c>disk-error-fsync</c>, <c>disk-error-write</c>) and a full disk for 0.5-3 s
    /// (<c>disk-full</c>). Each kind equally likely; without partitions and disk faults a seed gives the
    /// schedule it gave before they existed.
    /// </summary>
    public static List<FaultPlan> ForEmbeddedStore(int seed, TimeSpan length, bool clockSteps = false, bool partitions = false, IReadOnlyList<string>? diskFaults = null)
    {
        string[] kinds = [.. clockSteps ? Kinds : Kinds[..2], .. partitions ? PartitionKinds[..1] : [], .. diskFaults ?? []];
        var random = new Random(seed);
        var plans = new List<FaultPlan>();
        var at = TimeSpan.Zero;
        while (true)
        {
            at += TimeSpan.FromSeconds(1.5 + (random.NextDouble() * 2.5));
            var fault = kinds[random.Next(kinds.Length)];
            var duration = TimeSpan.FromSeconds(fault switch
            {
                "kill" => random.NextDouble(),
                "pause" => 0.1 + (random.NextDouble() * 2.9),
                "partition-clients" => PartitionSeconds(random),
                DiskFaults.FsyncErrors or DiskFaults.WriteErrors => 0.3 + (random.NextDouble() * 2.7),
                DiskFaults.Full => 0.5 + (random.NextDouble() * 2.5),
                _ => 1.5 + (random.NextDouble() * 2.5),
            });
            if (at + duration >= length)
            {
                return plans;
            }
            plans.Add(new FaultPlan(at, fault, duration));
            at += duration;
        }
    }

    /// <summary>
    /// For the store over one redis-server: kill -9 and restart, or a pause (SIGSTOP, 0.1-3 s), of the
    /// store (<c>kill</c>, <c>pause</c>) or of redis-server (<c>redis-kill</c>: down 0-1 s, restarted over
    /// its append-only file; <c>redis-pause</c>), with <paramref name="partitions"/> also both
    /// <see cref="PartitionKinds"/>; each kind equally likely, one at a time, 1.5-4 s apart.
    /// </summary>
    public static List<FaultPlan> ForRedisServer(int seed, TimeSpan length, bool partitions = false) =>
        Plan(new Random(seed), length, ["kill", "pause", "redis-kill", "redis-pause", .. partitions ? PartitionKinds : []], TimeSpan.FromSeconds(1.5));

    /// <summary>
    /// For the store over one Garnet server, as <see cref="ForRedisServer"/>: <c>kill</c>, <c>pause</c>,
    /// <c>garnet-kill</c> (down 0-1 s, restarted over its append-only log), <c>garnet-pause</c>, and with
    /// <paramref name="partitions"/> both <see cref="PartitionKinds"/>.
    /// </summary>
    public static List<FaultPlan> ForGarnet(int seed, TimeSpan length, bool partitions = false) =>
        Plan(new Random(seed), length, ["kill", "pause", "garnet-kill", "garnet-pause", .. partitions ? PartitionKinds : []], TimeSpan.FromSeconds(1.5));

    /// <summary>
    /// Network partitions on loopback, 0.5-5 s (past the clients' 2 s timeout at the upper end):
    /// <c>partition-clients</c> cuts the store clients from the store, <c>partition-backend</c> the
    /// store from its Redis-protocol server.
    /// </summary>
    public static readonly string[] PartitionKinds = ["partition-clients", "partition-backend"];

    private static double PartitionSeconds(Random random) => 0.5 + (random.NextDouble() * 4.5);

    /// <summary>
    /// For the store over a Redis Cluster: a primary killed (-9) so its replica is promoted, either
    /// with the replica in sync (<c>primary-kill</c>) or with the replica cut off from it for 0.3-1.5 s
    /// of writes first (<c>primary-kill-lagging-replica</c>: SIGSTOP of the replica and its link
    /// closed, the kill, then SIGCONT), 1-2 s apart. Healing (promotion, a fresh replica) takes
    /// several seconds more, so the nemesis starts each fault at its offset or once the last is healed.
    /// </summary>
    public static List<FaultPlan> ForRedisCluster(int seed, TimeSpan length) =>
        Plan(new Random(seed), length, ["primary-kill", "primary-kill-lagging-replica"], TimeSpan.FromSeconds(1));

    private static List<FaultPlan> Plan(Random random, TimeSpan length, string[] kinds, TimeSpan minimumGap)
    {
        var plans = new List<FaultPlan>();
        var at = TimeSpan.Zero;
        while (true)
        {
            at += minimumGap + TimeSpan.FromSeconds(random.NextDouble() * 2.5);
            var fault = kinds[random.Next(kinds.Length)];
            var duration = TimeSpan.FromSeconds(fault switch
            {
                "kill" or "redis-kill" or "garnet-kill" => random.NextDouble(),
                "partition-clients" or "partition-backend" => PartitionSeconds(random),
                "primary-kill" => 0,
                "primary-kill-lagging-replica" => 0.3 + (random.NextDouble() * 1.2),
                _ => 0.1 + (random.NextDouble() * 2.9),
            });
            // Garnet takes seconds to start again (dotnet, then its log): the next fault waits for it,
            // so the schedule leaves that time, and every planned fault still starts within the run.
            var settle = fault == "garnet-kill" ? GarnetRestart : TimeSpan.Zero;
            if (at + duration + settle >= length)
            {
                return plans;
            }
            plans.Add(new FaultPlan(at, fault, duration));
            at += duration + settle;
        }
    }

    /// <summary>How long a Garnet restart may take on a loaded machine (3-5 s seen here).</summary>
    private static readonly TimeSpan GarnetRestart = TimeSpan.FromSeconds(5);

    private static readonly string[] Kinds = ["kill", "pause", "clock-ahead", "clock-behind"];
}
