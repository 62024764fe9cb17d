namespace Counter.Tests.Infrastructure;

/// <summary>What a load run did. <see cref="Violations"/> must be empty.</summary>
public sealed record LoadResult(
    int Users,
    TimeSpan Elapsed,
    int Requests,
    int Successes,
    IReadOnlyDictionary<string, int> Failures,
    IReadOnlyList<string> Violations,
    IReadOnlyList<string> Repeats,
    double P50Ms,
    double P99Ms,
    TimeSpan Slowest503,
    int UsersWhoseCountIsTheirLoads,
    int UsersWhoFailed)
{
    public int FailedRequests => Requests - Successes;

    public double Throughput => Successes / Elapsed.TotalSeconds;

    public string DescribeFailures() => Failures.Count == 0 ? "none" : string.Join(", ", Failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Value}× {f.Key}"));

    /// <summary>The first few violations and repeats, for an assertion message.</summary>
    public string DescribeViolations() => Describe(Violations) + " / repeats: " + Describe(Repeats);

    private static string Describe(IReadOnlyList<string> items) =>
        items.Count == 0 ? "none" : string.Join("; ", items.Take(5)) + (items.Count > 5 ? $" (and {items.Count - 5} more)" : "");
}
