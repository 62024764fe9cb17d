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
