namespace Counter.Tests.Infrastructure;

/// <summary>Server-side mode, two web replicas, embedded store, latency injection available.</summary>
public sealed class ReliabilityAppFixture : CounterAppFixture
{
    protected override string SessionMode => "ServerSide";

    public override int WebReplicas => 2;

    protected override bool FaultInjection => true;
}
