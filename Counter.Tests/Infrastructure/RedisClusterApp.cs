namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class RedisClusterApp : ICollectionFixture<RedisClusterAppFixture>
{
    public const string Name = "redis-cluster app";
}
