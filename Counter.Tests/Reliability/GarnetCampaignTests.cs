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
public sealed class GarnetCampaignTests(ITestOutputHelper output)
{
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
        var (report, _, schedule) = await new StoreCampaign(options, output.WriteLine).RunAsync();

        CampaignAssert.Held(report, options, schedule);
    }
}
