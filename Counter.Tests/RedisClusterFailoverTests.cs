using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests;

/// <summary>
/// A Redis Cluster primary dies (kill -9) under load: its replica takes over, pages for its slots
/// answer 503 within the bound meanwhile and continue afterwards, and no acknowledged count goes
/// back, because the store acknowledged each write only once the replica had it (WAIT). Its own
/// cluster and app, since the killed node comes back as a replica.
/// </summary>
[Collection(RedisClusterFailoverApp.Name)]
[Trait("Category", "Reliability")]
public sealed class RedisClusterFailoverTests(RedisClusterFailoverAppFixture app)
{
    [SkippableFact]
    public async Task KillingAPrimaryUnderLoadFailsOverWithoutLosingAnAcknowledgedWrite()
    {
        var cluster = app.Cluster;
        var victim = (await cluster.PrimaryPortsAsync())[0];
        await using var load = LoadDriver.Start(app.WebUrl, ReliabilityReport.Users);
        await Task.Delay(ReliabilityReport.LoadDuration / 2);
        var before = load.Successes;

        cluster.Kill(victim); // SIGKILL: the replica must notice (2 s node timeout) and take over.
        var election = Stopwatch.StartNew();
        await WaitAsync(async () => { var p = await cluster.PrimaryPortsAsync(); return p.Count == 3 && !p.Contains(victim); }, "a replica to take over the killed primary's slots");
        election.Stop();
        // A new replica for the new primary: writes to those slots have a replica to wait for again.
        await cluster.ReplaceWithReplicaAsync(victim, TestTimeouts.StartupToken());
        var atRecovery = load.Successes;
        await Task.Delay(ReliabilityReport.LoadDuration / 2);
        var result = await load.StopAsync();

        ReliabilityReport.Add("Cluster primary crash", ReliabilityReport.Describe(result),
            $"kill -9 of 1 of 3 Redis Cluster primaries; replica promoted after {election.Elapsed.TotalSeconds:F1} s; writes wait for {app.ReplicaAcknowledgements} replica",
            result.Requests, $"{result.DescribeFailures()} (slowest 503: {result.Slowest503.TotalSeconds:F2} s)", result.Violations.Count);
        Assert.True(result.Violations.Count == 0 && result.Repeats.Count == 0, result.DescribeViolations());
        Assert.Equal(result.Failures.GetValueOrDefault("503"), result.FailedRequests); // Only 503s: no 500, no hang.
        Assert.True(result.Slowest503 < LoadDriver.PageBound, $"A 503 took {result.Slowest503}.");
        Assert.True(before > 0 && result.Successes > atRecovery, $"Loads: {before} before the kill, {atRecovery} at recovery, {result.Successes} in all.");
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TestTimeouts.Startup, $"Timed out waiting for {what}.");
            await Task.Delay(100);
        }
    }
}

/// <summary>The cluster app, with the replica count a write waits for from COUNTER_CLUSTER_REPLICA_ACKS (default 1).</summary>
public sealed class RedisClusterFailoverAppFixture : RedisClusterAppFixture
{
    public override int ReplicaAcknowledgements =>
        int.TryParse(Environment.GetEnvironmentVariable("COUNTER_CLUSTER_REPLICA_ACKS"), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;

    protected override bool EnableDashboard => false;
}

[CollectionDefinition(Name)]
public sealed class RedisClusterFailoverApp : ICollectionFixture<RedisClusterFailoverAppFixture>
{
    public const string Name = "redis-cluster failover app";
}
