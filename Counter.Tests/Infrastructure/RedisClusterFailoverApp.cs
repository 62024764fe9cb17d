namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class RedisClusterFailoverApp : ICollectionFixture<RedisClusterFailoverAppFixture>
{
    public const string Name = "redis-cluster failover app";
}
