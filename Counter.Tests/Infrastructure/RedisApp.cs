namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class RedisApp : ICollectionFixture<RedisAppFixture>
{
    public const string Name = "redis-backend app";
}
