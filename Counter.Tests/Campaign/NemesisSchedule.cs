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
    /// then set right; each kind equally likely.
    /// </summary>
    public static List<FaultPlan> ForEmbeddedStore(int seed, TimeSpan length, bool clockSteps = false)
    {
        var random = new Random(seed);
        var plans = new List<FaultPlan>();
        var at = TimeSpan.Zero;
        while (true)
        {
            at += TimeSpan.FromSeconds(1.5 + (random.NextDouble() * 2.5));
            var fault = clockSteps ? Kinds[random.Next(Kinds.Length)] : Kinds[random.Next(2)];
            var duration = TimeSpan.FromSeconds(fault switch
            {
                "kill" => random.NextDouble(),
                "pause" => 0.1 + (random.NextDouble() * 2.9),
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

    private static readonly string[] Kinds = ["kill", "pause", "clock-ahead", "clock-behind"];
}
