using Counter.Tests.Campaign;

namespace Counter.Tests.Reliability;

/// <summary>
/// The history checker's register check can fail: histories with a lost update, a stale read, a write
/// that reappears or an acknowledged write that vanishes are not linearizable, while overlapping
/// writes in either order, unknown (info) writes applied late or never, and refused (412) writes pass.
/// Times are microseconds; each history starts on an absent key.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LinearizabilityCheckerTests(ITestOutputHelper output)
{
    [Fact]
    public void TwoCompareAndSetsFromOneVersionBothAcknowledgedIsALostUpdate()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1, Precondition.IfNoneMatch),
            Put(2, p: 1, 20, 50, "b", v: 2, Precondition.IfMatch, ifMatch: 1),
            Put(3, p: 2, 25, 60, "c", v: 3, Precondition.IfMatch, ifMatch: 1));

        var anomaly = Assert.Single(report.Anomalies);
        Assert.Equal("not linearizable", anomaly.Kind);
        Assert.Contains(anomaly.Operations, op => op is StoreOperation { Id: 2 } || op is StoreOperation { Id: 3 });
    }

    [Fact]
    public void AReadOfASupersededValueIsAStaleRead()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Put(2, p: 1, 20, 30, "b", v: 2, Precondition.IfMatch, ifMatch: 1),
            Read(3, p: 2, 40, 50, "a", v: 1));

        Assert.Equal("not linearizable", Assert.Single(report.Anomalies).Kind);
    }

    [Fact]
    public void AValueThatReappearsAfterItsDeleteIsCaught()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Delete(2, p: 1, 20, 30, ifMatch: 1),
            Read(3, p: 2, 40, 50, null, v: null),
            Read(4, p: 2, 60, 70, "a", v: 1));

        Assert.Single(report.Anomalies);
    }

    [Fact]
    public void AValueThatReappearsAfterBeingSupersededAndSeenGoneIsCaught()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Put(2, p: 0, 20, 30, "b", v: 2, Precondition.IfMatch, ifMatch: 1),
            Read(3, p: 1, 40, 50, "b", v: 2),
            Read(4, p: 1, 60, 70, "a", v: 1));

        Assert.Single(report.Anomalies);
    }

    [Fact]
    public void AnAcknowledgedWriteThatVanishesIsCaught()
    {
        // The store acknowledged "b"; after a restart (nothing else in between) the previous value is back.
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1, Precondition.IfNoneMatch),
            Put(2, p: 0, 20, 30, "b", v: 2, Precondition.IfMatch, ifMatch: 1),
            Read(3, p: 1, 1_000_000, 1_000_010, "a", v: 1));

        Assert.Single(report.Anomalies);
    }

    [Fact]
    public void AnAcknowledgedCreateThatVanishesIsCaught()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1, Precondition.IfNoneMatch),
            Read(2, p: 1, 1_000_000, 1_000_010, null, v: null));

        Assert.Single(report.Anomalies);
    }

    [Fact]
    public void OneVersionAnsweredWithTwoValuesIsCaught()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Put(2, p: 1, 20, 30, "b", v: 1));

        Assert.Contains("two values", Assert.Single(report.Anomalies).Explanation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("b")]
    [InlineData("c")]
    public void OverlappingWritesMayTakeEffectInEitherOrder(string last)
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Put(2, p: 1, 20, 60, "b", v: 2),
            Put(3, p: 2, 30, 50, "c", v: 3),
            Read(4, p: 3, 70, 80, last, v: last == "b" ? 2 : 3));

        Assert.True(report.Valid, report.Describe());
    }

    [Fact]
    public void OverlappingCompareAndSetsOneWinsOneIsRefused()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1, Precondition.IfNoneMatch),
            Put(2, p: 1, 20, 60, "b", v: 2, Precondition.IfMatch, ifMatch: 1),
            Put(3, p: 2, 30, 50, "c", null, Precondition.IfMatch, ifMatch: 1, Outcome.Fail),
            Put(4, p: 3, 30, 40, "d", null, Precondition.IfNoneMatch, outcome: Outcome.Fail),
            Read(5, p: 3, 70, 80, "b", v: 2));

        Assert.True(report.Valid, report.Describe());
    }

    [Fact]
    public void AnUnknownWriteMayTakeEffectLongAfterItsClientGaveUp()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Put(2, p: 1, 20, 30, "b", null, Precondition.IfMatch, ifMatch: 1, Outcome.Info),
            Read(3, p: 2, 1_000_000, 1_000_010, "a", v: 1),
            Read(4, p: 2, 2_000_000, 2_000_010, "b", v: 2),
            Put(5, p: 2, 2_000_020, 2_000_030, "c", v: 3, Precondition.IfMatch, ifMatch: 2));

        Assert.True(report.Valid, report.Describe());
    }

    [Fact]
    public void AnUnknownWriteMayNeverTakeEffect()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Put(2, p: 1, 20, 30, "b", null, outcome: Outcome.Info),
            Delete(3, p: 1, 40, 50, ifMatch: 1, Outcome.Info),
            Read(4, p: 2, 1_000_000, 1_000_010, "a", v: 1),
            Put(5, p: 2, 1_000_020, 1_000_030, "c", v: 2, Precondition.IfMatch, ifMatch: 1),
            Read(6, p: 2, 1_000_040, 1_000_050, "c", v: 2));

        Assert.True(report.Valid, report.Describe());
    }

    [Fact]
    public void AnUnknownWriteCannotTakeEffectBeforeItWasSent()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Read(2, p: 1, 20, 30, "b", v: 2),
            Put(3, p: 2, 40, 50, "b", null, Precondition.IfMatch, ifMatch: 1, Outcome.Info));

        Assert.Single(report.Anomalies);
    }

    [Fact]
    public void AnUnknownDeleteCannotTakeEffectOnceItsValueWasSuperseded()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Delete(2, p: 1, 20, 30, ifMatch: 1, Outcome.Info),
            Put(3, p: 0, 40, 50, "b", v: 2, Precondition.IfMatch, ifMatch: 1),
            Read(4, p: 2, 1_000_000, 1_000_010, null, v: null));

        Assert.Single(report.Anomalies);
    }

    [Fact]
    public void AnUnknownDeleteMayTakeEffectWhileItsValueHolds()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Delete(2, p: 1, 20, 30, ifMatch: 1, Outcome.Info),
            Read(3, p: 2, 1_000_000, 1_000_010, null, v: null),
            Put(4, p: 0, 1_000_020, 1_000_030, "b", v: 2, Precondition.IfNoneMatch),
            Read(5, p: 2, 1_000_040, 1_000_050, "b", v: 2));

        Assert.True(report.Valid, report.Describe());
    }

    [Fact]
    public void ManyRetriedUnknownDeletesStayDecidable()
    {
        // A failover's worth of retries: each value in turn has unknown deletes that never took
        // effect. Each can apply only while its value holds, so the search must not carry them on.
        var history = new List<HistoryEvent>();
        var time = 0L;
        var id = 0L;
        for (var v = 1; v <= 2_000; v++)
        {
            var condition = v == 1 ? Precondition.IfNoneMatch : Precondition.IfMatch;
            history.Add(Put(++id, p: 0, time, time + 5, $"w{v}", v: v, condition, ifMatch: v == 1 ? null : v - 1));
            time += 10;
            for (var retry = 0; retry < 5; retry++)
            {
                history.Add(Delete(++id, p: 1 + retry, time, time + 5, ifMatch: v, Outcome.Info));
                time += 10;
            }
            history.Add(Read(++id, p: 9, time, time + 5, $"w{v}", v: v));
            time += 10;
        }

        var report = HistoryChecker.Check(history, new CheckBounds(MaxSteps: 100_000, TimeSpan.FromSeconds(20)));

        Assert.True(report.Valid, report.Describe());
    }

    [Fact]
    public void RefusedWritesHadNoEffect()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Put(2, p: 1, 20, 30, "x", null, Precondition.IfMatch, ifMatch: 7, Outcome.Fail),
            Put(3, p: 1, 40, 50, "y", null, Precondition.IfNoneMatch, outcome: Outcome.Fail),
            Delete(4, p: 1, 60, 70, ifMatch: 9, Outcome.Fail),
            Read(5, p: 2, 80, 90, "a", v: 1));

        Assert.True(report.Valid, report.Describe());
    }

    [Fact]
    public void ASearchOverItsBoundIsUnknownNeverAPass()
    {
        var history = Enumerable.Range(0, 8)
            .Select(i => Put(i + 1, p: i, 0, 100, $"w{i}", v: i + 1))
            .Append(Read(9, p: 99, 200, 210, "w0", v: 1))
            .ToArray();

        var bounded = HistoryChecker.Check(history, new CheckBounds(MaxSteps: 5, TimeSpan.FromSeconds(5)));
        var unbounded = HistoryChecker.Check(history);

        Assert.False(bounded.Valid);
        Assert.Equal(Verdict.Unknown, Assert.Single(bounded.Undecided).Verdict);
        Assert.Empty(bounded.Anomalies);
        Assert.True(unbounded.Valid, unbounded.Describe());
    }

    [Fact]
    public void KeysAreCheckedIndependently()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1),
            Put(2, p: 0, 20, 30, "b", v: 1) with { Key = "other" },
            Read(3, p: 1, 40, 50, "a", v: 1),
            Read(4, p: 1, 40, 50, "b", v: 1) with { Key = "other" });

        Assert.True(report.Valid, report.Describe());
        Assert.Equal(2, report.Keys.Count);
    }

    /// <summary>The store promises that a wall-clock step hides nothing: a value read absent during a step ahead, and there again after it, vanished.</summary>
    [Fact]
    public void AValueHiddenWhileTheWallClockIsAheadIsAVanishedWrite()
    {
        var report = Check([
            Put(1, p: 0, 0, 10, "a", v: 1, Precondition.IfNoneMatch),
            ClockAhead(start: 20, healed: 60, end: 70),
            Read(2, p: 1, 30, 40, null, v: null),
            Read(3, p: 1, 80, 90, "a", v: 1)]);

        Assert.Equal("not linearizable", Assert.Single(report.Anomalies).Kind);
    }

    [Fact]
    public void AValueStillGoneOnceTheClockIsSetRightWasLost()
    {
        var report = Check([
            Put(1, p: 0, 0, 10, "a", v: 1, Precondition.IfNoneMatch),
            ClockAhead(start: 20, healed: 60, end: 70),
            Read(2, p: 1, 30, 40, null, v: null),
            Read(3, p: 1, 80, 90, null, v: null)]);

        Assert.Equal("not linearizable", Assert.Single(report.Anomalies).Kind);
    }

    [Fact]
    public void AValueHiddenWithoutAClockStepIsStillAVanishedWrite()
    {
        var report = Check(
            Put(1, p: 0, 0, 10, "a", v: 1, Precondition.IfNoneMatch),
            Read(2, p: 1, 30, 40, null, v: null),
            Read(3, p: 1, 80, 90, "a", v: 1));

        Assert.Single(report.Anomalies);
    }

    private CheckReport Check(params HistoryEvent[] history)
    {
        var report = HistoryChecker.Check(history);
        output.WriteLine(report.Describe());
        return report;
    }

    private static StoreOperation Put(long id, int p, long invoke, long returned, string value, long? v,
        Precondition condition = Precondition.None, long? ifMatch = null, Outcome outcome = Outcome.Ok) => new()
        {
            Id = id, Process = p, Key = "k", Kind = StoreOperationKind.Put, Condition = condition, IfMatch = ifMatch,
            Written = value, Invoke = invoke, Return = returned, Outcome = outcome, Version = outcome == Outcome.Ok ? v : null,
        };

    private static NemesisEvent ClockAhead(long start, long healed, long end) =>
        new() { Fault = "clock-ahead", Target = "kvstore", Start = start, Healed = healed, End = end };

    private static StoreOperation Read(long id, int p, long invoke, long returned, string? value, long? v) => new()
    {
        Id = id, Process = p, Key = "k", Kind = StoreOperationKind.Read, Invoke = invoke, Return = returned,
        Outcome = Outcome.Ok, Observed = value, Version = v,
    };

    private static StoreOperation Delete(long id, int p, long invoke, long returned, long ifMatch, Outcome outcome = Outcome.Ok) => new()
    {
        Id = id, Process = p, Key = "k", Kind = StoreOperationKind.Delete, Condition = Precondition.IfMatch, IfMatch = ifMatch,
        Invoke = invoke, Return = returned, Outcome = outcome,
    };
}
