namespace Counter.Tests.Campaign;

/// <summary>One fault of a schedule: when it starts (from the run's start), what it is, and how long it lasts.</summary>
public sealed record FaultPlan(TimeSpan At, string Fault, TimeSpan Duration)
{
    public override string ToString() => $"{At.TotalSeconds:0.00} s: {Fault} for {Duration.TotalSeconds:0.00} s";
}
