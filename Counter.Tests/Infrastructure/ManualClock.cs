namespace Counter.Tests.Infrastructure;

/// <summary>A clock a unit test moves by hand: time passing moves the wall clock and the monotonic timestamp; a step moves the wall clock alone.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _wall = start;
    private long _timestamp;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => _wall;

    public override long GetTimestamp() => _timestamp;

    public void Pass(TimeSpan by)
    {
        _wall += by;
        _timestamp += by.Ticks;
    }

    public void Step(TimeSpan by) => _wall += by;
}
