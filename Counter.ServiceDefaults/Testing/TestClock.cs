namespace Counter.ServiceDefaults.Testing;

/// <summary>The services' clock in integration tests: system time plus an offset the tests set (<see cref="TestClockHook"/>).</summary>
internal sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void SetOffset(TimeSpan offset) => Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
}
