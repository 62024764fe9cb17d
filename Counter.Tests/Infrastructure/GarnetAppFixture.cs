namespace Counter.Tests.Infrastructure;

/// <summary>
/// Server-side mode on the Redis-protocol backend (Garnet): two web replicas in front of two
/// stateless store replicas.
/// </summary>
public sealed class GarnetAppFixture : CounterAppFixture
{
    protected override string SessionMode => "ServerSide";

    public override string StorageBackend => "Redis";

    public override int WebReplicas => 2;

    public override int StoreReplicas => 2;

    protected override bool EnableDashboard => true;
}
