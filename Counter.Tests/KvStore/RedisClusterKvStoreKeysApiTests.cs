using System.Net.Http.Json;
using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

[Collection(RedisClusterApp.Name)]
public sealed class RedisClusterKvStoreKeysApiTests(RedisClusterAppFixture app) : KvStoreKeysApiTests(app)
{
    /// <summary>
    /// A manual failover (an operator's planned switch, both nodes up) moves a third of the slots to
    /// a node the store's client still takes for a replica. The store learns the new map from the
    /// first write refused with MOVED, so writes to every slot are acknowledged at once after it, not
    /// 503 until the client's next periodic check of the cluster.
    /// </summary>
    [Fact]
    public async Task WritesRightAfterAManualFailoverAreAcknowledged()
    {
        using var store = app.CreateStoreClient();
        var prefix = $"f{Guid.NewGuid():N}-";
        using var startup = TestTimeouts.StartupSource();
        await app.Cluster.ManualFailoverAsync((await app.Cluster.PrimaryPortsAsync())[0], startup.Token);

        // 30 keys land on every primary (each misses one with chance (2/3)^30).
        var answers = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            using var put = await store.PutAsync($"/v1/keys/{prefix}{i}", JsonContent.Create(i));
            answers.Add($"{(int)put.StatusCode}");
        }
        using var bulk = await store.PostAsync("/", new StringContent("{" + string.Join(",", Enumerable.Range(0, 30).Select(i => $"\"{prefix}b{i}\":{i}")) + "}", Encoding.UTF8, "application/json"));

        Assert.All(answers, a => Assert.Equal("201", a));
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
    }

    /// <summary>
    /// A bulk write (one MULTI/EXEC per hash slot) right after a manual failover, on a store replica
    /// that has sent nothing since: its client still routes a third of the slots to the demoted node,
    /// whose MOVED aborts that slot's transaction. Nothing in it was applied, so the store sends it again
    /// on the map the MOVED taught its client, and the write is acknowledged. Fresh connections reach
    /// both store replicas (the proxy balances per connection).
    /// </summary>
    [Fact]
    public async Task BulkWritesRightAfterAManualFailoverAreApplied()
    {
        var prefix = $"m{Guid.NewGuid():N}-";
        using var startup = TestTimeouts.StartupSource();
        await app.Cluster.ManualFailoverAsync((await app.Cluster.PrimaryPortsAsync())[0], startup.Token);

        var answers = new List<string>();
        for (var round = 0; round < 6; round++)
        {
            using var store = app.CreateStoreClient();
            using var bulk = await store.PostAsync("/", new StringContent("{" + string.Join(",", Enumerable.Range(0, 30).Select(i => $"\"{prefix}{round}-{i}\":{i}")) + "}", Encoding.UTF8, "application/json"));
            answers.Add($"{(int)bulk.StatusCode} {await bulk.Content.ReadAsStringAsync()}");
        }

        Assert.All(answers, a => Assert.True(a.StartsWith("200", StringComparison.Ordinal), a));
    }

    /// <summary>
    /// A read serves only what a failover cannot undo: with the key's replica stopped, a write is
    /// answered 503 (its replica wait falls short) yet applied on the primary, and a read of the key is
    /// refused too instead of returning that write, which a promoted replica would not have. Once the
    /// replica is back and in sync, the read returns it.
    /// </summary>
    [Fact]
    public async Task AReadDoesNotServeAWriteTheReplicaLacks()
    {
        using var store = app.CreateStoreClient();
        var key = $"r{Guid.NewGuid():N}";
        using var created = await store.PutAsync($"/v1/keys/{key}", JsonContent.Create(1));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var startup = TestTimeouts.StartupSource();
        var replica = await app.Cluster.WaitForReplicaOfAsync(await app.Cluster.PrimaryForAsync("kv:" + key), startup.Token);

        await app.Cluster.PauseAsync(replica);
        HttpResponseMessage unconfirmed, read;
        try
        {
            unconfirmed = await store.PutAsync($"/v1/keys/{key}", JsonContent.Create(2));
            read = await store.GetAsync($"/v1/keys/{key}");
        }
        finally
        {
            await app.Cluster.ResumeAsync(replica);
        }
        await app.Cluster.WaitHealthyAsync(startup.Token);
        using var afterwards = await store.GetAsync($"/v1/keys/{key}");

        await ProblemAssert.IsAsync(unconfirmed, HttpStatusCode.ServiceUnavailable, "may not survive a failover");
        await ProblemAssert.IsAsync(read, HttpStatusCode.ServiceUnavailable, "a failover could undo it");
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
        Assert.Equal("2", await afterwards.Content.ReadAsStringAsync());
        unconfirmed.Dispose();
        read.Dispose();
    }

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
