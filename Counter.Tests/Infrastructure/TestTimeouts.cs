namespace Counter.Tests.Infrastructure;

/// <summary>Every wait in the suite is bounded; CI machines get more slack.</summary>
public static class TestTimeouts
{
    private static readonly bool OnCi = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static TimeSpan Startup { get; } = TimeSpan.FromSeconds(OnCi ? 180 : 90);

    public static TimeSpan Request { get; } = TimeSpan.FromSeconds(OnCi ? 30 : 15);

    public static TimeSpan Telemetry { get; } = TimeSpan.FromSeconds(OnCi ? 60 : 30);

    public static CancellationToken StartupToken() => new CancellationTokenSource(Startup).Token;
}
