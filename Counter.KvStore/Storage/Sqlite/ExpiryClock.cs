namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// The embedded store's time for expiry, which a step of the wall clock (an NTP correction, a VM
/// resume, a clock set by hand) cannot turn into lost data. Besides the wall clock it keeps an
/// anchored clock: the wall clock at start (or the previous run's sweep clock, if that is later)
/// plus the monotonic time elapsed since, which no step moves.
///
/// <list type="bullet">
/// <item><see cref="NowMs"/>, the anchored clock, stamps expiries and decides what reads see: within
/// a run only monotonic time counts, so a wall clock stepped either way neither hides a live entry
/// (web would start a fresh session over the user's) nor shows an expired one again. The cost: time
/// the monotonic clock does not count (a suspended VM) lengthens every live entry by that much.</item>
/// <item><see cref="SweepClockMs"/>, the earlier of the wall and anchored clocks, decides what the
/// sweeper deletes, and only <see cref="SweepMargin"/> past it. Since an expiry was stamped by the
/// anchored clock, an entry written by this run is deleted only once at least its ttl (plus
/// the margin) of monotonic time has passed since it was written, whatever the wall clock did.</item>
/// <item>Entries written before this run started carry the previous runs' stamps, which this run's
/// anchor (taken from a wall clock that may have been wrong at start) cannot vouch for. Until the
/// latest of them has passed, the sweep clock is also held to the previous run's recorded sweep
/// clock plus the monotonic time elapsed since this start: a lower bound of the time now by that
/// run's own reckoning, so a store started on a clock that is ahead deletes none of them early.</item>
/// </list>
///
/// The sweep clock is recorded with every sweep (a record that is older than it could be only
/// makes the next run more careful). A database without that record (new, or from a build without
/// it) trusts the wall clock at this start for its older entries.
/// </summary>
internal sealed class ExpiryClock
{
    /// <summary>How far past the sweep clock an expiry must be before the entry is deleted.</summary>
    public static readonly TimeSpan SweepMargin = TimeSpan.FromMinutes(1);

    private static readonly long MarginMs = (long)SweepMargin.TotalMilliseconds;

    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly long _anchorMs;
    private readonly long _previousSweepClockMs;
    private readonly long? _latestExpiryAtStartMs;
    private volatile bool _startEntriesSettled;

    /// <param name="time">The wall clock and the monotonic timestamp.</param>
    /// <param name="previousSweepClockMs">The sweep clock the previous run recorded last, if any.</param>
    /// <param name="latestExpiryAtStartMs">The latest expiry stored when this run started, if any.</param>
    public ExpiryClock(TimeProvider time, long? previousSweepClockMs, long? latestExpiryAtStartMs)
    {
        _time = time;
        _startTimestamp = time.GetTimestamp();
        var wall = WallMs();
        // A wall clock behind the previous run's sweep clock is behind (that record never runs ahead of
        // that run's time): anchor at the record, so this run cannot stamp expiries early.
        _anchorMs = Math.Max(wall, previousSweepClockMs ?? wall);
        StartedBehindMs = Math.Max(0, _anchorMs - wall);
        _previousSweepClockMs = previousSweepClockMs ?? wall;
        _latestExpiryAtStartMs = latestExpiryAtStartMs;
    }

    /// <summary>How far the wall clock at start was behind the previous run's recorded sweep clock (0 if not).</summary>
    public long StartedBehindMs { get; }

    /// <summary>The time that stamps expiries (now + ttl) and decides what is live: the anchored clock.</summary>
    public long NowMs() => AnchoredMs(ElapsedMs());

    /// <summary>
    /// The time that decides what is live, for reads and for the writer's conditions: the anchored
    /// clock, but while entries from before this start may still be live, no later than the previous
    /// run's recorded sweep clock plus the monotonic time since this start. A previous run whose clock
    /// was behind (started slow, corrected later) stamped its expiries by that slower clock; judged by
    /// this run's correct clock they would look expired early, and web would replace such a session
    /// with a fresh one. Never later than <see cref="NowMs"/>, so an entry stamped by it lives at
    /// least its ttl, and never earlier than <see cref="SweepClockMs"/>, so the sweeper deletes nothing
    /// a read would still show.
    /// </summary>
    public long LiveMs()
    {
        var elapsed = ElapsedMs();
        var now = AnchoredMs(elapsed);
        if (_startEntriesSettled)
        {
            return now;
        }
        var byPreviousRun = _previousSweepClockMs + elapsed;
        if (_latestExpiryAtStartMs is not { } latest || byPreviousRun - MarginMs >= latest)
        {
            _startEntriesSettled = true;
            return now;
        }
        return Math.Min(now, byPreviousRun);
    }

    /// <summary>How far the wall clock is ahead of the anchored clock (negative: behind); a step shows here.</summary>
    public long WallAheadMs() => WallMs() - AnchoredMs(ElapsedMs());

    /// <summary>
    /// The time that decides what the sweeper may delete (an entry whose expiry is at least
    /// <see cref="SweepMargin"/> before it): the earliest of the wall clock, the anchored clock and,
    /// while entries from before this start may still be live, the previous run's sweep clock plus
    /// the monotonic time since this start. Called by the writer thread only.
    /// </summary>
    public long SweepClockMs()
    {
        var elapsed = ElapsedMs();
        var clock = Math.Min(WallMs(), AnchoredMs(elapsed));
        if (!_startEntriesSettled)
        {
            var byPreviousRun = _previousSweepClockMs + elapsed;
            if (_latestExpiryAtStartMs is not { } latest || byPreviousRun - MarginMs >= latest)
            {
                _startEntriesSettled = true; // Every entry from before this start is now past its expiry by that run's reckoning too.
            }
            else
            {
                clock = Math.Min(clock, byPreviousRun);
            }
        }
        return clock;
    }

    /// <summary>The latest expiry the sweeper may delete at the given sweep clock.</summary>
    public static long DeleteThroughMs(long sweepClockMs) => sweepClockMs - MarginMs;

    private long AnchoredMs(long elapsedMs) => _anchorMs + elapsedMs;

    private long ElapsedMs() => (long)_time.GetElapsedTime(_startTimestamp).TotalMilliseconds;

    private long WallMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();
}
