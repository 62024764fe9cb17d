namespace Counter.Tests.Infrastructure;

/// <summary>Every wait in the suite is bounded; CI machines get more slack.</summary>
public static class TestTimeouts
{
    private static readonly bool OnCi = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static TimeSpan Startup { get; } = TimeSpan.FromSeconds(OnCi ? 180 : 90);

    public static TimeSpan Request { get; } = TimeSpan.FromSeconds(OnCi ? 30 : 15);

    public static TimeSpan Telemetry { get; } = TimeSpan.FromSeconds(OnCi ? 60 : 30);

    /// <summary>Cancels after <see cref="Startup"/>, or sooner when the run is cancelled. The caller disposes it (<c>using</c>).</summary>
    public static CancellationTokenSource StartupSource() => After(Startup);

    /// <summary>
    /// Cancels after <paramref name="limit"/>, or sooner when the test (or the fixture's run) is
    /// cancelled (<see cref="TestContext.CancellationToken"/>). The caller disposes it (<c>using</c>).
    /// </summary>
    public static CancellationTokenSource After(TimeSpan limit)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(limit);
        return source;
    }
}
