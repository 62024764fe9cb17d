namespace Counter.Tests.Campaign;

/// <summary>
/// Decides from a recorded history alone whether the promises held: each key linearizable as a
/// register with compare-and-set (keys checked independently, as Porcupine does), each session's
/// counter within its bounds (a step of the store's wall clock ahead may hide values until it is set
/// right, as docs/guarantees.md allows); and figures availability in and out of each fault window.
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
            var result = RegisterSearch.Check(key.Key, [.. key, .. ClockAhead(key.Key, faults)], bounds);
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

    /// <summary>
    /// For each step of the wall clock ahead (past every ttl): the value may be hidden from the step
    /// until the clock is set right (<see cref="StoreOperationKind.Hide"/>, between the fault's start and
    /// its healing) and is back once it is (<see cref="StoreOperationKind.Reveal"/>, by the fault's end).
    /// </summary>
    private static IEnumerable<StoreOperation> ClockAhead(string key, List<NemesisEvent> faults)
    {
        var id = 0L;
        foreach (var fault in faults.Where(fault => fault.Fault == "clock-ahead"))
        {
            var healed = fault.Healed ?? fault.End;
            yield return new StoreOperation
            {
                Id = --id, Process = -1, Key = key, Kind = StoreOperationKind.Hide, Invoke = fault.Start, Return = healed,
                Outcome = Outcome.Ok, Note = fault.Describe(),
            };
            yield return new StoreOperation
            {
                Id = --id, Process = -1, Key = key, Kind = StoreOperationKind.Reveal, Invoke = healed, Return = fault.End,
                Outcome = Outcome.Ok, Note = fault.Describe(),
            };
        }
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
