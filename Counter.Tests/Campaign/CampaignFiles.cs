namespace Counter.Tests.Campaign;

/// <summary>
/// Where a run's record goes: its history (JSON lines, <see cref="HistoryFile"/>), its report (text),
/// its figures (<see cref="CampaignSummary"/>, JSON) and its timeline (<see cref="TimelineSvg"/>), under /tmp/counter-tests/ and, when
/// <c>COUNTER_CAMPAIGN_REPORT_DIR</c> is set, in that folder too.
/// </summary>
public static class CampaignFiles
{
    /// <param name="topology">What the run ran on, for the summary (<paramref name="name"/> when not given).</param>
    /// <param name="lossesExpected">The docs allow this topology to lose acknowledged writes: anomalies are expected, not failures.</param>
    public static void Save(string name, IReadOnlyList<HistoryEvent> history, CheckReport report, Action<string> log,
        string? topology = null, int? seed = null, bool lossesExpected = false)
    {
        var summary = CampaignSummary.From(name, topology ?? name, seed, lossesExpected, history, report).ToJson();
        var folders = new List<string> { Path.Combine(Path.GetTempPath(), "counter-tests") };
        if (Environment.GetEnvironmentVariable("COUNTER_CAMPAIGN_REPORT_DIR") is { Length: > 0 } extra)
        {
            folders.Add(extra);
        }
        var title = $"campaign {name}: {report.StoreOutcomes.Values.Sum() + report.PageOutcomes.Values.Sum()} operations, "
            + $"{report.Faults.Count} faults, {report.Anomalies.Count} anomalies";
        var svg = TimelineSvg.Render(history, title);
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
            var stem = Path.Combine(folder, $"campaign-{name}");
            HistoryFile.Save(history, stem + ".jsonl");
            File.WriteAllText(stem + ".txt", report.Describe());
            File.WriteAllText(stem + ".svg", svg);
            File.WriteAllText(stem + ".json", summary + "\n");
        }
        log($"History, report and timeline saved as {string.Join(" and ", folders.Select(folder => Path.Combine(folder, $"campaign-{name}.{{jsonl,txt,json,svg}}")))} "
            + "(dotnet run bench/check-history.cs -- <history>.jsonl checks a history again).");
    }
}
