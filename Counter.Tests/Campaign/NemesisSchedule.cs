namespace Counter.Tests.Campaign;

/// <summary>A seeded random fault schedule: the same seed gives the same faults at the same offsets.</summary>
public static class NemesisSchedule
{
    /// <summary>kill -9 (down 0-1 s, then restarted over the same data) or a pause (SIGSTOP for 0.1-3 s), one at a time, 1.5-4 s apart.</summary>
    public static List<FaultPlan> ForEmbeddedStore(int seed, TimeSpan length)
    {
        var random = new Random(seed);
        var plans = new List<FaultPlan>();
        var at = TimeSpan.Zero;
        while (true)
        {
            at += TimeSpan.FromSeconds(1.5 + (random.NextDouble() * 2.5));
            var kill = random.Next(2) == 0;
            var duration = TimeSpan.FromSeconds(kill ? random.NextDouble() : 0.1 + (random.NextDouble() * 2.9));
            if (at + duration >= length)
            {
                return plans;
            }
            plans.Add(new FaultPlan(at, kill ? "kill" : "pause", duration));
            at += duration;
        }
    }
}
