using System.Globalization;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// Sizes of the reliability scenarios and where their results go. The test suite runs them small
/// (bounded for CI); bench/reliability.sh sets COUNTER_RELIABILITY_USERS / _SECONDS for the full
/// campaign (200 users, 60 s) and COUNTER_RELIABILITY_REPORT to collect one Markdown row per
/// scenario into the table it prints.
/// </summary>
public static class ReliabilityReport
{
    public static int Users { get; } = Setting("COUNTER_RELIABILITY_USERS", 40);

    public static TimeSpan LoadDuration { get; } = TimeSpan.FromSeconds(Setting("COUNTER_RELIABILITY_SECONDS", 6));

    /// <summary>How many generated malformed requests the hostile-input test sends.</summary>
    public static int FuzzRequests { get; } = Setting("COUNTER_FUZZ_REQUESTS", 1500);

    /// <summary>Adds a row: scenario | load | faults injected | requests | errors | data lost.</summary>
    public static void Add(string scenario, string load, string faults, long requests, string errors, int dataLost)
    {
        if (Environment.GetEnvironmentVariable("COUNTER_RELIABILITY_REPORT") is not { Length: > 0 } path)
        {
            return;
        }
        var row = string.Create(CultureInfo.InvariantCulture, $"| {scenario} | {load} | {faults} | {requests} | {errors} | {dataLost} |{Environment.NewLine}");
        lock (typeof(ReliabilityReport))
        {
            File.AppendAllText(path, row);
        }
    }

    public static string Describe(LoadResult result) => string.Create(CultureInfo.InvariantCulture,
        $"{result.Users} users × {result.Elapsed.TotalSeconds:F0} s: {result.Throughput:F0} loads/s, p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms");

    private static int Setting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
