namespace Counter.Tests.Campaign;

/// <summary>
/// Decides from a recorded history alone whether the promises held: each key linearizable as a
/// register with compare-and-set (keys checked independently, as Porcupine does), each session's
/// counter within its bounds; and figures availability in and out of each fault window.
/// </summary>
public static class HistoryChecker
{
    public static CheckReport Check(IReadOnlyList<HistoryEvent> history, CheckBounds? bounds = null)
    {
        bounds ??= CheckBounds.Default;
        var store = history.OfType<StoreOperation>().ToList();
        var pages = history.OfType<PageOperation>().ToList();
        var faults = history.OfType<NemesisEvent>().OrderBy(fault => fault.Start).ToList();

        var anomalies = new List<Anomaly>();
        var keys = new List<KeyVerdict>();
        foreach (var key in store.GroupBy(op => op.Key, StringComparer.Ordinal).OrderBy(key => key.Key, StringComparer.Ordinal))
        {
            var result = RegisterSearch.Check(key.Key, [.. key], bounds);
            keys.Add(new KeyVerdict(key.Key, result.Verdict, result.Operations, result.Steps, result.Explanation));
            if (result.Verdict == Verdict.NotLinearizable)
            {
                anomalies.Add(new Anomaly("not linearizable", $"key {key.Key}", result.Explanation!, result.Involved));
            }
        }
        anomalies.AddRange(CounterChecker.Check(pages));

        return new CheckReport(anomalies, keys,
            store.GroupBy(op => op.Outcome).ToDictionary(group => group.Key, group => group.Count()),
            pages.GroupBy(op => op.Outcome).ToDictionary(group => group.Key, group => group.Count()),
            faults, Availability(store, pages, faults));
    }

    private static List<AvailabilityWindow> Availability(List<StoreOperation> store, List<PageOperation> pages, List<NemesisEvent> faults)
    {
        var begun = store.Select(op => (op.Invoke, op.Outcome))
            .Concat(pages.Select(op => (op.Invoke, op.Outcome)))
            .ToList();
        var windows = faults
            .Select(fault => Window(fault.Describe(), begun.Where(op => op.Invoke >= fault.Start && op.Invoke <= fault.End)))
            .ToList();
        windows.Insert(0, Window("outside every fault", begun.Where(op => !faults.Any(fault => op.Invoke >= fault.Start && op.Invoke <= fault.End))));
        return windows;

        static AvailabilityWindow Window(string label, IEnumerable<(long Invoke, Outcome Outcome)> ops)
        {
            var list = ops.ToList();
            return new AvailabilityWindow(label, list.Count, list.Count(op => op.Outcome == Outcome.Ok), list.Count(op => op.Outcome == Outcome.Fail));
        }
    }
}
