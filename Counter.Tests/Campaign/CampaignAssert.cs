namespace Counter.Tests.Campaign;

/// <summary>What a campaign run on a promised topology must show: no anomaly, a workload that ran, and every planned fault injected.</summary>
public static class CampaignAssert
{
    /// <summary>Every key (and session) decided, none with an anomaly; the message names the seed that replays the run.</summary>
    public static void Valid(CheckReport report, int seed) =>
        Assert.True(report.Valid, $"Seed {seed}: {report.Anomalies.Count} anomalies, {report.Undecided.Count} keys unknown:\n{report.Describe()}");

    /// <summary>At least 100 store operations answered ok: a run that barely ran proves nothing.</summary>
    public static void Ran(CheckReport report) =>
        Assert.True(report.StoreOutcomes.GetValueOrDefault(Outcome.Ok) >= 100, "The workload barely ran: " + report.Describe());

    /// <summary><see cref="Valid"/>, <see cref="Ran"/>, and every fault of the schedule injected.</summary>
    public static void Held(CheckReport report, StoreCampaignOptions options, IReadOnlyList<FaultPlan> schedule)
    {
        Valid(report, options.Seed);
        Ran(report);
        Assert.Equal(schedule.Count, report.Faults.Count);
    }
}
