using Counter.KvStore.Storage.Sqlite;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

/// <summary>
/// The embedded store's expiry clock: within a run only monotonic time counts, so a step of the wall
/// clock neither hides a live entry, nor lets the sweeper delete one before its ttl has passed in
/// monotonic time, nor stamps an expiry early.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ExpiryClockTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly long StartMs = Start.ToUnixTimeMilliseconds();
    private static readonly long Ttl = (long)TimeSpan.FromSeconds(1200).TotalMilliseconds;

    [Fact]
    public void AForwardStepNeitherHidesNorDeletesWhatIsLive()
    {
        var time = new ManualClock(Start);
        var clock = new ExpiryClock(time, previousSweepClockMs: null, latestExpiryAtStartMs: null);
        var expiry = clock.NowMs() + Ttl;

        time.Step(TimeSpan.FromSeconds(1500));

        Assert.True(clock.NowMs() < expiry); // Reads still see it while the clock is ahead...
        Assert.True(ExpiryClock.DeleteThroughMs(clock.SweepClockMs()) < expiry); // ...and the sweeper keeps it.
        Assert.Equal(1_500_000, clock.WallAheadMs()); // The step is seen (and logged), not obeyed.
    }

    [Fact]
    public void ABackwardStepCannotStampAnExpiryEarlyNorShowAnExpiredEntryAgain()
    {
        var time = new ManualClock(Start);
        var clock = new ExpiryClock(time, null, null);
        var expired = clock.NowMs() - 1;

        time.Step(TimeSpan.FromSeconds(-1500));

        Assert.Equal(StartMs, clock.NowMs());
        Assert.True(clock.NowMs() > expired);
        Assert.Equal(StartMs - 1_500_000, clock.SweepClockMs()); // The sweeper goes by the earlier clock.
        Assert.Equal(-1_500_000, clock.WallAheadMs());
    }

    [Fact]
    public void TimePassingMovesEveryClock()
    {
        var time = new ManualClock(Start);
        var clock = new ExpiryClock(time, null, null);
        var expiry = clock.NowMs() + Ttl;

        time.Pass(TimeSpan.FromSeconds(1200) + ExpiryClock.SweepMargin);

        Assert.Equal(expiry + (long)ExpiryClock.SweepMargin.TotalMilliseconds, clock.NowMs());
        Assert.Equal(expiry, ExpiryClock.DeleteThroughMs(clock.SweepClockMs()));
        Assert.Equal(0, clock.WallAheadMs());
    }

    [Fact]
    public void AStoreStartedOnAClockAheadDeletesNoEarlierEntryBeforeItsTimeByThePreviousRun()
    {
        // The previous run recorded its sweep clock at StartMs; an entry it wrote expires 1,200 s later.
        var time = new ManualClock(Start.AddSeconds(1500)); // This run starts with the clock 1,500 s ahead.
        var clock = new ExpiryClock(time, previousSweepClockMs: StartMs, latestExpiryAtStartMs: StartMs + Ttl);

        Assert.True(ExpiryClock.DeleteThroughMs(clock.SweepClockMs()) < StartMs + Ttl);
        time.Pass(TimeSpan.FromSeconds(1199));
        Assert.True(ExpiryClock.DeleteThroughMs(clock.SweepClockMs()) < StartMs + Ttl);

        time.Pass(TimeSpan.FromSeconds(1) + ExpiryClock.SweepMargin); // Its ttl and the margin have passed since this start.
        Assert.True(ExpiryClock.DeleteThroughMs(clock.SweepClockMs()) >= StartMs + Ttl);
        Assert.Equal(StartMs + 1_500_000 + Ttl + 60_000, clock.SweepClockMs()); // Then this run's own clocks alone.
    }

    /// <summary>
    /// The previous run started an hour slow and kept that clock (its stamps are an hour early in real
    /// time); this run starts on a correct clock. Its entries are judged by that run's reckoning until
    /// the latest of them has expired by it, so none is hidden early (web would replace it).
    /// </summary>
    [Fact]
    public void EntriesOfARunWhoseClockWasBehindAreJudgedByThatRunsClockUntilTheyHaveExpired()
    {
        var previousSweep = StartMs - 3_600_000;
        var latest = previousSweep + 1_800_000; // Live for 30 more minutes by the previous run's clock.
        var time = new ManualClock(Start);
        var clock = new ExpiryClock(time, previousSweepClockMs: previousSweep, latestExpiryAtStartMs: latest);

        Assert.True(clock.NowMs() > latest); // By this run's clock alone it would look expired...
        Assert.True(clock.LiveMs() < latest); // ...but it is live.
        time.Pass(TimeSpan.FromMinutes(29));
        Assert.True(clock.LiveMs() < latest);

        time.Pass(TimeSpan.FromMinutes(1) + ExpiryClock.SweepMargin);
        Assert.Equal(clock.NowMs(), clock.LiveMs()); // Then this run's own clock alone.
        Assert.True(clock.SweepClockMs() <= clock.LiveMs());
    }

    [Fact]
    public void AStoreStartedOnAClockBehindStampsFromThePreviousRunsRecord()
    {
        var time = new ManualClock(Start.AddDays(-1));
        var clock = new ExpiryClock(time, previousSweepClockMs: StartMs, latestExpiryAtStartMs: null);

        Assert.Equal(StartMs, clock.NowMs());
        Assert.Equal((long)TimeSpan.FromDays(1).TotalMilliseconds, clock.StartedBehindMs);
    }

    [Fact]
    public void WithoutARecordTheClockAtStartIsTrusted()
    {
        var time = new ManualClock(Start);
        var clock = new ExpiryClock(time, previousSweepClockMs: null, latestExpiryAtStartMs: StartMs - 120_000);

        Assert.Equal(StartMs, clock.SweepClockMs());
        Assert.Equal(0, clock.StartedBehindMs);
    }
}
