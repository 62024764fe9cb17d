using System.Text.Json;

namespace Counter.Tests.Campaign;

/// <summary>
/// One run's figures as data: what bench/campaign.sh collects from every run into its results file.
/// Times are seconds of the run's own clock.
/// </summary>
public sealed record CampaignSummary(
    string Name,
    string Topology,
    int? Seed,
    double Seconds,
    IReadOnlyDictionary<string, int> Operations,
    IReadOnlyDictionary<string, int> Faults,
    int Anomalies,
    IReadOnlyList<string> AnomalyKinds,
    int UndecidedKeys,
    bool LossesExpected,
    bool Valid)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static CampaignSummary From(string name, string topology, int? seed, bool lossesExpected, IReadOnlyList<HistoryEvent> history, CheckReport report)
    {
        var end = history.Select(entry => entry switch
        {
            StoreOperation operation => operation.Return,
            PageOperation operation => operation.Return,
            NemesisEvent fault => fault.End,
            _ => 0,
        }).Where(time => time != long.MaxValue).DefaultIfEmpty(0).Max();
        var operations = Enum.GetValues<Outcome>().ToDictionary(
            outcome => outcome.ToString().ToLowerInvariant(),
            outcome => report.StoreOutcomes.GetValueOrDefault(outcome) + report.PageOutcomes.GetValueOrDefault(outcome));
        return new CampaignSummary(
            name, topology, seed, Math.Round(end / 1e6, 1), operations,
            report.Faults.GroupBy(fault => fault.Fault).OrderBy(kind => kind.Key, StringComparer.Ordinal).ToDictionary(kind => kind.Key, kind => kind.Count()),
            report.Anomalies.Count,
            [.. report.Anomalies.Select(anomaly => anomaly.Kind).Distinct().Order(StringComparer.Ordinal)],
            report.Undecided.Count, lossesExpected, report.Valid);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}
