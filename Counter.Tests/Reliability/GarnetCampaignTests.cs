using Counter.Tests.Campaign;

namespace Counter.Tests.Reliability;

/// <summary>
/// The store campaign over one Garnet server (the repository's .NET tool, with the AppHost's
/// durability arguments), short: the nemesis kills (-9) and restarts (over its append-only log) or
/// pauses Garnet or the store, and cuts the store from its clients or from Garnet for 0.5-5 s
/// (nftables; without nft the run goes on without partitions and says so); every key must stay
/// linearizable. <see cref="CampaignEnvironment"/> replays a seed or sets the length.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class GarnetCampaignTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "campaign-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task EveryKeyStaysLinearizableThroughKillsPausesAndPartitionsOfGarnetAndTheStore()
    {
        var options = new StoreCampaignOptions
        {
            Seed = CampaignEnvironment.Seed(),
            Length = CampaignEnvironment.Length(TimeSpan.FromSeconds(28)),
            Topology = CampaignTopology.Garnet,
            Partitions = true,
            StoreDll = CampaignEnvironment.StoreDll(),
        };
        var (report, _, schedule) = await new StoreCampaign(options, _dataPath, output.WriteLine).RunAsync();

        Assert.True(report.Valid, $"Seed {options.Seed}: {report.Anomalies.Count} anomalies, {report.Undecided.Count} keys unknown:\n{report.Describe()}");
        Assert.True(report.StoreOutcomes.GetValueOrDefault(Outcome.Ok) >= 100, "The workload barely ran: " + report.Describe());
        Assert.Equal(schedule.Count, report.Faults.Count);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
