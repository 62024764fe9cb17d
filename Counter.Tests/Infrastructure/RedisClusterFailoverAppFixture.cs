namespace Counter.Tests.Infrastructure;

/// <summary>The cluster app, with the replica count a write waits for from COUNTER_CLUSTER_REPLICA_ACKS (default 1).</summary>
public sealed class RedisClusterFailoverAppFixture : RedisClusterAppFixture
{
    public override int ReplicaAcknowledgements =>
        int.TryParse(Environment.GetEnvironmentVariable("COUNTER_CLUSTER_REPLICA_ACKS"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;

    protected override bool EnableDashboard => false;
}
