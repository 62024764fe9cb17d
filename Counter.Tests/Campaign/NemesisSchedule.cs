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
    /// then set right; with <paramref name="diskFaults"/> (<see cref="DiskFaults.Kinds"/>), also I/O errors
    /// for 0.3-3 s (<c>disk-error-fsync</c>, <c>disk-error-write</c>) and a full disk for 0.5-3 s
    /// (<c>disk-full</c>); each kind equally likely.
    /// </summary>
    public static List<FaultPlan> ForEmbeddedStore(int seed, TimeSpan length, bool clockSteps = false, IReadOnlyList<string>? diskFaults = null)
    {
        var random = new Random(seed);
        var plans = new List<FaultPlan>();
        var at = TimeSpan.Zero;
        string[] kinds = [.. clockSteps ? Kinds : Kinds[..2], .. diskFaults ?? []];
        while (true)
        {
            at += TimeSpan.FromSeconds(1.5 + (random.NextDouble() * 2.5));
            var fault = kinds[random.Next(kinds.Length)];
            var duration = TimeSpan.FromSeconds(fault switch
            {
                "kill" => random.NextDouble(),
                "pause" => 0.1 + (random.NextDouble() * 2.9),
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
    /// its append-only file; <c>redis-pause</c>), each kind equally likely, one at a time, 1.5-4 s apart.
    /// </summary>
    public static List<FaultPlan> ForRedisServer(int seed, TimeSpan length) =>
        Plan(new Random(seed), length, ["kill", "pause", "redis-kill", "redis-pause"], TimeSpan.FromSeconds(1.5));

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
                "kill" or "redis-kill" => random.NextDouble(),
                "primary-kill" => 0,
                "primary-kill-lagging-replica" => 0.3 + (random.NextDouble() * 1.2),
                _ => 0.1 + (random.NextDouble() * 2.9),
            });
            if (at + duration >= length)
            {
                return plans;
            }
            plans.Add(new FaultPlan(at, fault, duration));
            at += duration;
        }
    }

    private static readonly string[] Kinds = ["kill", "pause", "clock-ahead", "clock-behind"];
}
