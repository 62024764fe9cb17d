using System.Text;

namespace Counter.Tests.Campaign;

/// <summary>What the checker decided about a history: anomalies (none means every promise held), keys it could not decide, and figures.</summary>
public sealed record CheckReport(
    IReadOnlyList<Anomaly> Anomalies,
    IReadOnlyList<KeyVerdict> Keys,
    IReadOnlyDictionary<Outcome, int> StoreOutcomes,
    IReadOnlyDictionary<Outcome, int> PageOutcomes,
    IReadOnlyList<NemesisEvent> Faults,
    IReadOnlyList<AvailabilityWindow> Availability)
{
    /// <summary>Keys whose search hit its bound: not a pass.</summary>
    public IReadOnlyList<KeyVerdict> Undecided => [.. Keys.Where(key => key.Verdict == Verdict.Unknown)];

    /// <summary>Every promise held and every key was decided.</summary>
    public bool Valid => Anomalies.Count == 0 && Undecided.Count == 0;

    public string Describe()
    {
        var text = new StringBuilder();
        text.AppendLine(Valid ? "Valid: no anomalies." : $"NOT VALID: {Anomalies.Count} anomalies, {Undecided.Count} keys unknown.");
        text.Append("Store operations: ").AppendLine(Counts(StoreOutcomes));
        text.Append("Page operations: ").AppendLine(Counts(PageOutcomes));
        text.Append("Keys: ").Append(Keys.Count).Append(" checked, ")
            .Append(Keys.Count(key => key.Verdict == Verdict.Linearizable)).Append(" linearizable, ")
            .Append(Keys.Count(key => key.Verdict == Verdict.NotLinearizable)).Append(" not, ")
            .Append(Undecided.Count).Append(" unknown; largest search ")
            .Append(Keys.Select(key => key.Steps).DefaultIfEmpty(0).Max()).AppendLine(" steps.");
        text.Append("Faults: ").AppendLine(Faults.Count == 0 ? "none" : string.Join(", ",
            Faults.GroupBy(fault => fault.Fault).Select(kind => $"{kind.Count()} {kind.Key}")));
        foreach (var fault in Faults)
        {
            text.Append("    ").AppendLine(fault.Describe());
        }
        text.AppendLine("Availability (share of operations ok, by when they began):");
        foreach (var window in Availability)
        {
            text.Append("    ").AppendLine(window.ToString());
        }
        foreach (var key in Undecided)
        {
            text.Append("UNKNOWN ").Append(key.Key).Append(": ").AppendLine(key.Explanation);
        }
        foreach (var anomaly in Anomalies)
        {
            text.Append("ANOMALY ").Append(anomaly);
        }
        return text.ToString();
    }

    private static string Counts(IReadOnlyDictionary<Outcome, int> counts) =>
        $"{counts.Values.Sum()} ({string.Join(", ", Enum.GetValues<Outcome>().Select(outcome => $"{counts.GetValueOrDefault(outcome)} {outcome.ToString().ToLowerInvariant()}"))})";
}
