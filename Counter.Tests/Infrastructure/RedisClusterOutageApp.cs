namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class RedisClusterOutageApp : ICollectionFixture<RedisClusterOutageAppFixture>
{
    public const string Name = "redis-cluster outage app";
}
