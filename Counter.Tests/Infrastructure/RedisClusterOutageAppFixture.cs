namespace Counter.Tests.Infrastructure;

public sealed class RedisClusterOutageAppFixture : RedisClusterAppFixture
{
    protected override bool EnableDashboard => false;
}
