using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Reliability;

/// <summary>
/// Failovers in a row under load (kill -9 of a primary, a manual CLUSTER FAILOVER, kill -9 of the
/// primary just promoted): each time a replica takes over, pages for its slots answer 503 within the
/// bound meanwhile and continue afterwards, and no acknowledged count goes back, because the store
/// acknowledged each write only once a replica of the primary that ran it had it (WAIT on the same
/// connection). Its own cluster and app, since the killed nodes come back as replicas.
/// </summary>
[Collection(RedisClusterFailoverApp.Name)]
[Trait("Category", "Reliability")]
public sealed class RedisClusterFailoverTests(RedisClusterFailoverAppFixture app)
{
    [Fact]
    public async Task FailoversInARowUnderLoadLoseNoAcknowledgedWrite()
    {
        var cluster = app.Cluster;
        await using var load = await LoadDriver.StartAsync(app.WebUrl, ReliabilityReport.Users);
        await Task.Delay(ReliabilityReport.LoadDuration / 3);
        var before = load.Successes;
        var elections = new List<string>();

        // 1. kill -9 of a primary: its replica must notice (2 s node timeout) and take over.
        var victim = (await cluster.PrimaryPortsAsync())[0];
        elections.Add(await KillAndReplaceAsync(victim));
        // 2. A manual failover: a replica takes its primary's place while both are up (the slot map moves under load).
        var election = Stopwatch.StartNew();
        using var startup = TestTimeouts.StartupSource();
        var promoted = await cluster.ManualFailoverAsync((await cluster.PrimaryPortsAsync())[1], startup.Token);
        elections.Add($"CLUSTER FAILOVER {election.Elapsed.TotalSeconds:F1} s");
        // 3. kill -9 of the primary just promoted.
        elections.Add(await KillAndReplaceAsync(promoted));
        var atRecovery = load.Successes;
        await Task.Delay(ReliabilityReport.LoadDuration / 3);
        var result = await load.StopAsync();

        ReliabilityReport.Add("Cluster failovers in a row", ReliabilityReport.Describe(result),
            $"3 failovers of 3 Redis Cluster primaries ({string.Join(", ", elections)}); writes wait for {app.ReplicaAcknowledgements} replica",
            result.Requests, $"{result.DescribeFailures()} (slowest 503: {result.Slowest503.TotalSeconds:F2} s)", result.Violations.Count);
        Assert.True(result.Violations.Count == 0 && result.Repeats.Count == 0, result.DescribeViolations());
        Assert.Equal(result.Failures.GetValueOrDefault("503"), result.FailedRequests); // Only 503s: no 500, no hang.
        Assert.True(result.Slowest503 < LoadDriver.PageBound, $"A 503 took {result.Slowest503}.");
        Assert.True(before > 0 && result.Successes > atRecovery, $"Loads: {before} before the first failover, {atRecovery} at recovery, {result.Successes} in all.");
    }

    /// <summary>SIGKILL of a primary, its replica promoted, a fresh node its new replica; says how long the election took.</summary>
    private async Task<string> KillAndReplaceAsync(int primary)
    {
        var cluster = app.Cluster;
        cluster.Kill(primary);
        var election = Stopwatch.StartNew();
        await WaitAsync(async () => { var p = await cluster.PrimaryPortsAsync(); return p.Count == 3 && !p.Contains(primary); }, "a replica to take over the killed primary's slots");
        var elapsed = election.Elapsed;
        // A new replica for the new primary: writes to those slots have a replica to wait for again.
        using var startup = TestTimeouts.StartupSource();
        await cluster.ReplaceWithReplicaAsync(primary, startup.Token);
        return $"kill -9, promoted after {elapsed.TotalSeconds:F1} s";
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
