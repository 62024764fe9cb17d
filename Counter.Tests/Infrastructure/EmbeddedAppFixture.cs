namespace Counter.Tests.Infrastructure;

/// <summary>Server-side mode with two web replicas, and the dashboard for the telemetry tests.</summary>
public sealed class EmbeddedAppFixture : CounterAppFixture
{
    protected override string SessionMode => "ServerSide";

    public override int WebReplicas => 2;

    protected override bool EnableDashboard => true;

    protected override bool FaultInjection => true;
}
