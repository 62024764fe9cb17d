using Counter.Tests.Campaign;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Reliability;

/// <summary>
/// The store campaign on the Redis backend, short. Over one redis-server (append-only file fsynced
/// before every answer) the nemesis kills (-9) and restarts, or pauses, redis-server or the store:
/// every key must stay linearizable. Over a Redis Cluster it kills primaries (some after their
/// replica was cut off for a moment) so replicas are promoted: with
/// <c>Storage:Redis:ReplicaAcknowledgements=1</c> every key must stay linearizable; with <c>0</c>,
/// docs/guarantees.md says acknowledged writes may be lost, so the run reports what it finds as
/// expected and fails only if it did not run. <see cref="CampaignEnvironment"/> replays a seed or sets the length.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class RedisCampaignTests(ITestOutputHelper output)
{
    [Fact]
    public async Task EveryKeyStaysLinearizableThroughKillsAndPausesOfRedisServerAndTheStore()
    {
        RequiredTools.SkipUnless(RedisCluster.IsInstalled, RedisCluster.InstallStep);
        var options = new StoreCampaignOptions { Seed = CampaignEnvironment.Seed(), Length = CampaignEnvironment.Length(TimeSpan.FromSeconds(30)), Topology = CampaignTopology.RedisServer, Partitions = true };
        var (report, _, schedule) = await new StoreCampaign(options, output.WriteLine).RunAsync();

        CampaignAssert.Held(report, options, schedule);
    }

    [Fact]
    public async Task OnAClusterWithReplicaAcknowledgementsEveryKeyStaysLinearizableThroughPrimaryKills()
    {
        RequiredTools.SkipUnless(RedisCluster.IsInstalled, RedisCluster.InstallStep);
        var (report, options) = await RunClusterAsync(replicaAcknowledgements: 1, CampaignEnvironment.Seed());

        CampaignAssert.Valid(report, options.Seed);
    }

    /// <summary>
    /// The seed whose full-size run (85 s) found a read that returned a 503-answered write which the
    /// promotion of a lagging replica then undid, before reads became a replica barrier: kept as a
    /// regression run at that length. The race it needs is rare (about 1 in 35 lagging-replica
    /// kills), so this run guards more than it reproduces; <c>AReadDoesNotServeAWriteTheReplicaLacks</c>
    /// reproduces the read every time.
    /// </summary>
    [Fact]
    public async Task TheLaggingReplicaSeedThatOnceReadAnUndoneWriteFindsNothing()
    {
        RequiredTools.SkipUnless(RedisCluster.IsInstalled, RedisCluster.InstallStep);
        var (report, options) = await RunClusterAsync(replicaAcknowledgements: 1, seed: 171305744, TimeSpan.FromSeconds(85));

        CampaignAssert.Valid(report, options.Seed);
    }

    [Fact]
    public async Task OnAClusterWithoutReplicaAcknowledgementsTheLossesFoundAreTheOnesTheDocsAllow()
    {
        RequiredTools.SkipUnless(RedisCluster.IsInstalled, RedisCluster.InstallStep);
        var (report, _) = await RunClusterAsync(replicaAcknowledgements: 0, CampaignEnvironment.Seed());

        // Anomalies are reported (as expected by the docs), not failed on; every key must still be decided.
        Assert.Empty(report.Undecided);
        Assert.All(report.Anomalies, anomaly => Assert.Equal("not linearizable", anomaly.Kind));
    }

    private async Task<(CheckReport Report, StoreCampaignOptions Options)> RunClusterAsync(int replicaAcknowledgements, int seed, TimeSpan? length = null)
    {
        var options = new StoreCampaignOptions
        {
            Seed = seed,
            Length = length ?? CampaignEnvironment.Length(TimeSpan.FromSeconds(22)),
            Topology = CampaignTopology.RedisCluster,
            ReplicaAcknowledgements = replicaAcknowledgements,
            Keys = 9, // Every primary holds some: a killed primary always costs the workload something.
        };
        var (report, _, _) = await new StoreCampaign(options, output.WriteLine).RunAsync();
        CampaignAssert.Ran(report);
        Assert.True(report.Faults.Count > 0, "The nemesis injected no fault: " + report.Describe());
        return (report, options);
    }
}
