namespace Counter.Tests.Infrastructure;

/// <summary>
/// Server-side mode on a real Redis Cluster (3 primaries, 1 replica each, started here): two web
/// replicas in front of two store replicas, the store given the cluster through
/// ConnectionStrings:redis and acknowledging a write once a replica has it.
/// </summary>
public class RedisClusterAppFixture : CounterAppFixture
{
    protected override string SessionMode => "ServerSide";

    public override string StorageBackend => "Redis";

    public override int WebReplicas => 2;

    public override int StoreReplicas => 2;

    protected override bool EnableDashboard => true;

    protected override string? MissingTool => RedisCluster.IsInstalled ? null : RedisCluster.InstallStep;

    public RedisCluster Cluster { get; private set; } = null!;

    public override string? RedisConnectionString => Cluster.ConnectionString;

    /// <summary>Replicas a write waits for before the store acknowledges it (1; 0 measures what WAIT prevents).</summary>
    public virtual int ReplicaAcknowledgements => 1;

    protected override async Task<IEnumerable<string>> PrepareAsync(CancellationToken cancellationToken)
    {
        Cluster = await RedisCluster.StartAsync(cancellationToken);
        return [$"--ConnectionStrings:redis={Cluster.ConnectionString}", $"--Counter:RedisReplicaAcknowledgements={ReplicaAcknowledgements}"];
    }

    public override async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await base.DisposeAsync();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}
