using System.Diagnostics;
using System.Net.Http.Json;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Reliability;

/// <summary>
/// One shard of the Redis Cluster is gone (its primary and its replica killed): calls for its
/// slots answer 503 quickly, calls for the other slots go on (in a batch too: only the dead
/// shard's puts fail), and calls that need every primary
/// (listing, count, the bulk write across slots) answer 503, never 500 or a partial answer; under
/// load, only the users whose sessions live on the dead shard see 503s. Its
/// own cluster and app, since the shard stays dead.
/// </summary>
[Collection(RedisClusterOutageApp.Name)]
[Trait("Category", "Reliability")]
public sealed class RedisClusterOutageTests(RedisClusterOutageAppFixture app)
{
    [Fact]
    public async Task AShardDownMeans503ForItsKeysOnlyAndNever500()
    {
        using var store = app.CreateStoreClient();
        var prefix = "outage" + Guid.NewGuid().ToString("N")[..8] + ":";
        var keys = Enumerable.Range(0, 30).Select(i => prefix + i).ToList();
        foreach (var key in keys)
        {
            using var put = await store.PutAsync($"/v1/keys/{key}", JsonContent.Create(new { n = 1 }));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        // Users load pages all along; each one's session lives on one shard.
        await using var load = await LoadDriver.StartAsync(app.WebUrl, ReliabilityReport.Users);
        await Task.Delay(ReliabilityReport.LoadDuration / 2);
        var victim = (await app.Cluster.PrimaryPortsAsync())[0];
        var onVictim = (await RedisCluster.CliAsync(victim, "KEYS", $"kv:{prefix}*")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(k => k["kv:".Length..]).ToHashSet();
        Assert.NotEmpty(onVictim);
        Assert.True(onVictim.Count < keys.Count, "Every key landed on one primary.");

        using var startup = TestTimeouts.StartupSource();
        app.Cluster.Kill(await app.Cluster.WaitForReplicaOfAsync(victim, startup.Token));
        app.Cluster.Kill(victim);
        var atKill = load.Successes;

        foreach (var key in keys)
        {
            var watch = Stopwatch.StartNew();
            using var get = await store.GetAsync($"/v1/keys/{key}");
            Assert.True(watch.Elapsed < LoadDriver.PageBound, $"GET {key} took {watch.Elapsed}.");
            if (onVictim.Contains(key))
            {
                await ProblemAssert.IsAsync(get, HttpStatusCode.ServiceUnavailable, "did not answer");
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, get.StatusCode);
                using var put = await store.PutAsync($"/v1/keys/{key}", JsonContent.Create(new { n = 2 }));
                Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
            }
        }
        // A batch spanning every shard: each put has its own outcome. The dead shard's puts are 503s,
        // the others are applied (the web tier coalesces many users' saves into one such batch).
        var puts = string.Join(',', keys.Select(k => $$$"""{"key": "{{{k}}}", "value": {"n": 4}}"""));
        using (var batch = await store.PostAsync("/v1/batch", new StringContent($$"""{"puts": [{{puts}}]}""", System.Text.Encoding.UTF8, "application/json")))
        {
            var text = await batch.Content.ReadAsStringAsync();
            Assert.True(batch.StatusCode == HttpStatusCode.OK, text);
            using var answer = System.Text.Json.JsonDocument.Parse(text);
            var statuses = answer.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("status").GetInt32()).ToList();
            for (var i = 0; i < keys.Count; i++)
            {
                Assert.Equal(onVictim.Contains(keys[i]) ? 503 : 204, statuses[i]);
                if (!onVictim.Contains(keys[i]))
                {
                    Assert.Equal("{\"n\": 4}", await store.GetStringAsync($"/v1/keys/{keys[i]}"));
                }
            }
        }
        // Calls that need every primary cannot be complete, so they say so (by now the cluster has
        // marked the shard failed, and the client's slot map has left it out).
        using (var list = await store.GetAsync($"/v1/keys?prefix={prefix}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, list.StatusCode);
        }
        using (var count = await store.GetAsync($"/v1/count?prefix={prefix}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, count.StatusCode);
        }
        using (var dump = await store.GetAsync($"/v1/entries?prefix={prefix}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, dump.StatusCode);
        }
        using (var bulk = await store.PostAsync("/", JsonContent.Create(keys.ToDictionary(k => k, _ => 3))))
        {
            await ProblemAssert.IsAsync(bulk, HttpStatusCode.ServiceUnavailable, "applied");
        }

        // The users: those whose session is on the dead shard see 503s (quickly); the others never
        // notice, although web coalesces everyone's saves into shared batches.
        await Task.Delay(ReliabilityReport.LoadDuration / 2);
        var duringOutage = load.Successes - atKill;
        var result = await load.StopAsync(checkEveryUser: false);
        ReliabilityReport.Add("Cluster shard down", ReliabilityReport.Describe(result),
            "kill -9 of a Redis Cluster primary and its replica (1 of 3 shards gone for good)",
            result.Requests, $"{result.DescribeFailures()}; {result.UsersWhoFailed} of {result.Users} users saw one", result.Violations.Count);
        Assert.True(result.Violations.Count == 0 && result.Repeats.Count == 0, result.DescribeViolations());
        Assert.Equal(result.Failures.GetValueOrDefault("503"), result.FailedRequests); // Only 503s: no 500, no hang.
        Assert.True(result.UsersWhoFailed > 0, "No user's session was on the dead shard.");
        // Each session is on 1 of 3 shards: about a third of the users (40 users: 13 ± 3) are the dead shard's.
        Assert.True(result.UsersWhoFailed <= result.Users * 2 / 3, $"{result.UsersWhoFailed} of {result.Users} users saw a 503, not only the dead shard's.");
        Assert.True(duringOutage > result.Users, $"Only {duringOutage} loads succeeded while the shard was down.");
    }
}
