using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(RedisClusterApp.Name)]
public sealed class RedisClusterKvStoreKeysApiTests(RedisClusterAppFixture app) : KvStoreKeysApiTests(app)
{
    /// <summary>A manual failover after the second page: the slots move to other nodes mid-listing.</summary>
    protected override async Task BetweenPagesAsync(int pagesRead)
    {
        if (pagesRead == 2)
        {
            using var startup = TestTimeouts.StartupSource();
            await app.Cluster.ManualFailoverAsync((await app.Cluster.PrimaryPortsAsync())[0], startup.Token);
        }
    }
}
