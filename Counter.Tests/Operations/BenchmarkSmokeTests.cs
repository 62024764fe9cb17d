using System.Diagnostics;
using System.Globalization;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Operations;

/// <summary>
/// The benchmark keeps working: <c>bash bench/run.sh --smoke</c> builds Release, starts every target
/// (Counter in both modes and on both store backends, the built-in-session baseline over Redis with
/// and without an anti-forgery token, and over memory) and prints its tables, CPU and memory per process. Figures from a 3-second run on a busy test machine mean
/// nothing, so only the tables are checked: every target present and serving pages.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    private static readonly string[] PageTargets =
    [
        "Built-in session over Redis, anti-forgery token in the form (baseline)",
        "Built-in session over Redis, no anti-forgery token",
        "Built-in session over Redis with token, fsync every write (appendfsync always)",
        "Built-in session over in-process memory, with token",
        "Counter, cookie mode",
        "Counter, server-side (embedded SQLite store)",
        "Counter, server-side (embedded), telemetry off",
        "Counter, server-side (embedded), exporting to an Aspire dashboard",
        "Counter, server-side (store on Redis backend)",
        "Counter, server-side on a Redis Cluster (3 primaries + 3 replicas), each write waits for its replica",
        "Counter, server-side on the same Redis Cluster, no replica wait",
    ];

    [SkippableFact]
    public async Task SmokeRunPrintsThePageAndStoreTablesForEveryTarget()
    {
        RequiredTools.SkipUnless(OnPath("wrk") && OnPath("redis-server") && OnPath("redis-cli") && OnPath("curl"),
            "The benchmark needs wrk, redis-server, redis-cli and curl; install them with: sudo apt-get install -y wrk redis-server curl");

        var (exitCode, output, errors) = await RunSmokeAsync(TimeSpan.FromMinutes(8));

        Assert.True(exitCode == 0, $"bench/run.sh --smoke exited with {exitCode}.\n{output}\n{errors}");
        Assert.Contains("### Page throughput", output);
        foreach (var target in PageTargets)
        {
            var row = Row(output, target);
            Assert.True(int.Parse(row[1], CultureInfo.InvariantCulture) > 0, $"{target} served no pages:\n{output}");
            // One p99 per round; "total (web N + store N ...)" and "web N + store N ...": one figure per process of the target.
            Assert.Matches(@"^\d+(\.\d+)?( / \d+(\.\d+)?)*$", row[5]);
            Assert.Matches(@"^\d+ \(web \d+( \+ (store|redis|cluster|dashboard) \d+)*\)$", row[6]);
            Assert.Matches(@"^web \d+( \+ (store|redis|cluster|dashboard) \d+)*$", row[8]);
        }
        Assert.Matches(@"Server-side \(embedded\) p99 at or below the baseline's in the same round: [01] of 1 rounds\.", output);
        Assert.Contains("### KV store API", output);
        foreach (var backend in new[] { "embedded SQLite", "Redis backend (redis-server)" })
        {
            foreach (var operation in new[] { "PUT", "GET" })
            {
                var requestsPerSecond = Row(output, backend, operation)[2];
                Assert.True(int.Parse(requestsPerSecond, CultureInfo.InvariantCulture) > 0, $"{backend} {operation} served nothing:\n{output}");
            }
        }
    }

    /// <summary>The one table row whose first cells are <paramref name="leading"/>; it has more cells after them.</summary>
    private static string[] Row(string output, params string[] leading)
    {
        var row = output.Split('\n').Select(Cells).SingleOrDefault(c => c.Length > leading.Length && c.Take(leading.Length).SequenceEqual(leading));
        Assert.True(row is not null, $"No row for {string.Join(" ", leading)}:\n{output}");
        return row!;
    }

    private static string[] Cells(string line) =>
        line.StartsWith('|') ? [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())] : [];

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    private static async Task<(int ExitCode, string Output, string Errors)> RunSmokeAsync(TimeSpan limit)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [Path.Combine(Repository.Root, "bench", "run.sh"), "--smoke"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"bench/run.sh --smoke did not finish within {limit.TotalMinutes} minutes.\n{await output}\n{await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
