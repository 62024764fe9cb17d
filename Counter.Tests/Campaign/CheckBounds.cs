namespace Counter.Tests.Campaign;

/// <summary>How long the search for one key may run before that key is reported unknown.</summary>
public sealed record CheckBounds(long MaxSteps, TimeSpan MaxTime)
{
    public static CheckBounds Default { get; } = new(5_000_000, TimeSpan.FromSeconds(20));
}
