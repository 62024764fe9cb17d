namespace Counter.ServiceDefaults.Testing;

/// <summary>
/// The services' clock in integration tests (<see cref="TestClockHook"/>), with two parts the tests set:
/// time that has passed (the wall clock and the monotonic timestamp both move, as when real time
/// goes by) and a step of the wall clock alone (as when NTP or an operator corrects it, or a VM
/// resumes: the monotonic timestamp does not move).
/// </summary>
internal sealed class TestClock : TimeProvider
{
    private long _passedTicks;
    private long _stepTicks;

    public override DateTimeOffset GetUtcNow() =>
        base.GetUtcNow().AddTicks(Interlocked.Read(ref _passedTicks) + Interlocked.Read(ref _stepTicks));

    public override long GetTimestamp() =>
        base.GetTimestamp() + (long)((Int128)Interlocked.Read(ref _passedTicks) * TimestampFrequency / TimeSpan.TicksPerSecond);

    /// <summary>Sets how much time has passed beyond system time (wall clock and monotonic timestamp).</summary>
    public void SetPassed(TimeSpan passed) => Interlocked.Exchange(ref _passedTicks, passed.Ticks);

    /// <summary>Sets how far the wall clock alone is stepped from system time plus the time passed.</summary>
    public void SetStep(TimeSpan step) => Interlocked.Exchange(ref _stepTicks, step.Ticks);
}
