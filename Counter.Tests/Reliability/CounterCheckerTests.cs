using Counter.Tests.Campaign;

namespace Counter.Tests.Reliability;

/// <summary>
/// The session counter check (one increment per page load): a count served twice, below the
/// acknowledged increments or above the attempted ones is an anomaly; concurrent loads in either
/// order, resets and unknown loads are not.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CounterCheckerTests(ITestOutputHelper output)
{
    [Fact]
    public void ACountServedTwiceIsALostUpdate()
    {
        var anomalies = Check(Load(1, 0, 10, 1), Load(2, 20, 30, 2), Load(3, 25, 40, 2));

        Assert.Contains(anomalies, a => a.Kind == "count served twice");
    }

    [Fact]
    public void ACountBelowTheAcknowledgedIncrementsIsCaught()
    {
        // Three loads acknowledged, then (after a restart, say) the page shows 2.
        var anomalies = Check(Load(1, 0, 10, 1), Load(2, 20, 30, 2), Load(3, 40, 50, 3), Load(4, 1_000_000, 1_000_010, 2));

        Assert.Contains(anomalies, a => a.Kind == "count too low");
    }

    [Fact]
    public void ACountAboveTheAttemptedIncrementsIsCaught()
    {
        var anomalies = Check(Load(1, 0, 10, 1), Load(2, 20, 30, 3));

        Assert.Contains(anomalies, a => a.Kind == "count too high");
    }

    [Fact]
    public void ConcurrentLoadsMayCountInEitherOrder()
    {
        Assert.Empty(Check(Load(1, 0, 10, 1), Load(2, 20, 60, 3), Load(3, 30, 50, 2), Load(4, 70, 80, 4)));
    }

    [Fact]
    public void AnUnknownLoadMayOrMayNotHaveCounted()
    {
        Assert.Empty(Check(
            Load(1, 0, 10, 1),
            Load(2, 20, 30, null, Outcome.Info),
            Load(3, 40, 50, 3),
            Load(4, 60, 70, null, Outcome.Info),
            Load(5, 80, 90, 4)));
    }

    [Fact]
    public void AFailedLoadCountsNothing()
    {
        var anomalies = Check(Load(1, 0, 10, 1), Load(2, 20, 30, null, Outcome.Fail), Load(3, 40, 50, 3));

        Assert.Contains(anomalies, a => a.Kind == "count too high");
    }

    [Fact]
    public void AResetStartsTheCountAgain()
    {
        Assert.Empty(Check(
            Load(1, 0, 10, 1),
            Load(2, 20, 30, 2),
            Reset(3, 40, 50, Outcome.Ok),
            Load(4, 60, 70, 1),
            Reset(5, 80, 90, Outcome.Info),
            Load(6, 100, 110, 2),
            Load(7, 120, 130, 1)));
    }

    [Fact]
    public void SessionsAreCheckedApart()
    {
        Assert.Empty(Check(Load(1, 0, 10, 1), Load(2, 20, 30, 1) with { Session = "other" }));
    }

    private List<Anomaly> Check(params PageOperation[] history)
    {
        var anomalies = CounterChecker.Check(history);
        anomalies.ForEach(anomaly => output.WriteLine(anomaly.ToString()));
        return anomalies;
    }

    private static PageOperation Load(long id, long invoke, long returned, int? count, Outcome outcome = Outcome.Ok) => new()
    {
        Id = id, Process = (int)id, Session = "s", Kind = PageOperationKind.Load, Invoke = invoke, Return = returned, Outcome = outcome, Count = count,
    };

    private static PageOperation Reset(long id, long invoke, long returned, Outcome outcome) => new()
    {
        Id = id, Process = (int)id, Session = "s", Kind = PageOperationKind.Reset, Invoke = invoke, Return = returned, Outcome = outcome,
    };
}
