using System.Globalization;

namespace Counter.Tests.Campaign;

/// <summary>
/// The environment variables a campaign test reads, so bench/campaign.sh can run the same tests at
/// full size: <c>CAMPAIGN_SEED</c> replays a schedule (otherwise a random seed, printed),
/// <c>CAMPAIGN_SECONDS</c> sets how long the workload runs (otherwise the test's short default), and
/// <c>CAMPAIGN_KVSTORE_DLL</c> runs another build of the store.
/// </summary>
public static class CampaignEnvironment
{
    public static int Seed() => Environment.GetEnvironmentVariable("CAMPAIGN_SEED") is { Length: > 0 } given
        ? int.Parse(given, CultureInfo.InvariantCulture)
        : Random.Shared.Next();

    public static TimeSpan Length(TimeSpan fallback) => Environment.GetEnvironmentVariable("CAMPAIGN_SECONDS") is { Length: > 0 } given
        ? TimeSpan.FromSeconds(double.Parse(given, CultureInfo.InvariantCulture))
        : fallback;

    public static string? StoreDll() => Environment.GetEnvironmentVariable("CAMPAIGN_KVSTORE_DLL") is { Length: > 0 } dll ? dll : null;
}
