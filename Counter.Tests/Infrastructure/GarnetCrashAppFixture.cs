namespace Counter.Tests.Infrastructure;

/// <summary>Server-side mode on the AppHost's Garnet: two web replicas, two store replicas.</summary>
public sealed class GarnetCrashAppFixture : CounterAppFixture
{
    protected override string SessionMode => "ServerSide";

    public override string StorageBackend => "Redis";

    public override int WebReplicas => 2;

    public override int StoreReplicas => 2;
}
