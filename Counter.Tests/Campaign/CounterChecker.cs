namespace Counter.Tests.Campaign;

/// <summary>
/// Per session, the counter a page shows (Jepsen's counter check, one increment per load): every
/// count an acknowledged load showed lies between the increments acknowledged before the load began
/// (plus its own) and the increments attempted before it answered, and no count is shown by two
/// acknowledged loads with no reset that could lie between them (two loads that saw the same count
/// mean one increment was lost).
/// </summary>
/// <remarks>
/// A reset may take effect anywhere between its invocation and its answer (an <c>info</c> reset:
/// any time after its invocation), so an increment counts towards a later load's lower bound only if
/// it began after every reset that may precede that load had answered, and towards its upper bound
/// if it may have landed after the last reset that surely precedes it. <c>fail</c> loads and resets
/// changed nothing; an <c>info</c> load may have incremented.
/// </remarks>
public static class CounterChecker
{
    private const int Listed = 6;

    public static List<Anomaly> Check(IEnumerable<PageOperation> history)
    {
        var anomalies = new List<Anomaly>();
        foreach (var session in history.GroupBy(op => op.Session, StringComparer.Ordinal))
        {
            var loads = session.Where(op => op.Kind == PageOperationKind.Load && op.Outcome != Outcome.Fail).ToList();
            var resets = session.Where(op => op.Kind == PageOperationKind.Reset && op.Outcome != Outcome.Fail).ToList();
            var shown = loads.Where(op => op.Outcome == Outcome.Ok && op.Count is not null).OrderBy(op => op.Invoke).ToList();
            foreach (var load in shown)
            {
                CheckBounds(session.Key, load, loads, resets, anomalies);
            }
            foreach (var twice in shown.GroupBy(op => op.Count))
            {
                var same = twice.ToList();
                var lost = same.SelectMany((a, i) => same.Skip(i + 1).Select(b => (a, b)))
                    .Where(pair => !resets.Any(reset => MayLieBetween(reset, pair.a, pair.b)))
                    .SelectMany(pair => new[] { pair.a, pair.b })
                    .Distinct().ToList();
                if (lost.Count > 0)
                {
                    anomalies.Add(new Anomaly("count served twice", $"session {session.Key}",
                        $"{lost.Count} acknowledged loads showed the count {twice.Key}, with no reset that could lie between them: an increment was lost",
                        lost));
                }
            }
        }
        return anomalies;
    }

    private static void CheckBounds(string session, PageOperation load, List<PageOperation> loads, List<PageOperation> resets, List<Anomaly> anomalies)
    {
        // An increment counts only if it began after every reset that may precede this load had answered:
        // that latest answer is found once per load, so a long run is not (loads × loads × resets).
        var lastMayPrecedeAnswered = resets.Where(reset => reset.Invoke < load.Return)
            .Select(AnswerTime).DefaultIfEmpty(long.MinValue).Max();
        var acknowledged = loads
            .Where(other => other != load && other.Outcome == Outcome.Ok && other.Return < load.Invoke
                && other.Invoke > lastMayPrecedeAnswered)
            .ToList();
        var lastSureReset = resets.Where(reset => reset.Outcome == Outcome.Ok && reset.Return < load.Invoke)
            .Select(reset => reset.Invoke).DefaultIfEmpty(long.MinValue).Max();
        var attempted = loads.Where(other => other.Invoke < load.Return && AnswerTime(other) > lastSureReset).ToList();
        var (lower, upper) = (acknowledged.Count + 1, attempted.Count);
        if (load.Count < lower)
        {
            anomalies.Add(new Anomaly("count too low", $"session {session}",
                $"#{load.Id} showed {load.Count}, but {acknowledged.Count} acknowledged increments ended before it began, so it must show at least {lower} (an acknowledged increment was lost); the last of them:",
                [load, .. acknowledged.OrderBy(op => op.Return).TakeLast(Listed)]));
        }
        else if (load.Count > upper)
        {
            anomalies.Add(new Anomaly("count too high", $"session {session}",
                $"#{load.Id} showed {load.Count}, but only {upper} increments (its own included) had begun before it answered; the last of them:",
                [load, .. attempted.Where(op => op != load).OrderBy(op => op.Invoke).TakeLast(Listed)]));
        }
    }

    /// <summary>Whether a reset may take effect between two loads, in whichever order they took effect.</summary>
    private static bool MayLieBetween(PageOperation reset, PageOperation a, PageOperation b) =>
        reset.Invoke < Math.Max(a.Return, b.Return) && AnswerTime(reset) > Math.Min(a.Invoke, b.Invoke);

    private static long AnswerTime(PageOperation op) => op.Outcome == Outcome.Info ? long.MaxValue : op.Return;
}
