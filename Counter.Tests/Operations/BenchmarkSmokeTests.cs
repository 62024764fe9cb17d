using System.Diagnostics;
using System.Text.Json.Nodes;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Operations;

/// <summary>
/// The benchmark keeps working: <c>bash bench/run.sh --smoke</c> builds Release, starts every target
/// (Counter in both modes and on both store backends, the built-in-session baseline over Redis with
/// and without an anti-forgery token, and over memory), records each wrk run as one JSON object
/// (bench/result.lua) and prints the tables bench/results.py computes from them. Figures from a
/// 3-second run on a busy test machine mean nothing, so only the data is checked: every target
/// measured with its fields and processes, the aggregator's ratios, and the tables' columns. It runs
/// with <c>TIMELINE=1</c>, so each page's timing (bench/timeline.lua) and its table are checked too.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    private static readonly string[] PageTargets =
        ["baseredis", "basenotoken", "baseaof", "basememory", "cookie", "server", "servernormal", "serveroff", "serverexp", "serverredis", "servercluster", "servercluster0"];

    private static readonly string[] PageColumns =
    [
        "target", "requests/s", "vs baseline", "p50 ms (median of rounds)", "p90 ms (median of rounds)", "p99 ms (each round)",
        "CPU µs per page (per process)", "cores idle / busy elsewhere (median of rounds)", "errors", "peak RSS MiB (per process)",
    ];

    private static readonly string[] TimelineColumns =
        ["target", "p99 ms", "p99 ms of the first second", "share of the slowest 1 % in the worst 5 % of 100 ms windows"];

    private static readonly string[] KvColumns = ["backend", "operation", "requests/s", "p50 ms", "p99 ms", "errors"];

    private static readonly string[] ProcessNames = ["web", "store", "redis", "cluster", "dashboard"];

    private static readonly string[] Tools = ["wrk", "redis-server", "redis-cli", "curl", "python3"];

    private static readonly string[] ErrorKinds = ["connect", "read", "write", "timeout", "status"];

    private static readonly string[] Percentiles = ["p50", "p90", "p99", "max"];

    [Fact]
    public async Task SmokeRunRecordsEveryTargetAsDataAndRendersTheTables()
    {
        RequiredTools.SkipUnless(Tools.All(OnPath),
            "The benchmark needs wrk, redis-server, redis-cli, curl and python3; install them with: sudo apt-get install -y wrk redis-server curl python3");
        var results = Path.Combine(Path.GetTempPath(), $"counter-bench-smoke-{Guid.NewGuid():N}.jsonl");
        try
        {
            var (exitCode, output, errors) = await RunAsync(TimeSpan.FromMinutes(8), new() { ["RESULTS"] = results, ["TIMELINE"] = "1" }, Path.Combine(Repository.Root, "bench", "run.sh"), "--smoke");
            Assert.True(exitCode == 0, $"bench/run.sh --smoke exited with {exitCode}.\n{output}\n{errors}");

            var records = File.ReadAllLines(results).Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
            var pages = records.Where(r => Text(r, "kind") == "page" && (int)r["round"]! == 1).ToList();
            Assert.Equal(PageTargets, pages.Select(r => Text(r, "target")));
            foreach (var run in pages)
            {
                AssertWrkRun(run);
                var processes = run["processes"]!.AsObject();
                Assert.Equal("web", processes.First().Key);
                foreach (var (name, process) in processes)
                {
                    Assert.Contains(name, ProcessNames);
                    Assert.True((long)process!["cpu_ms"]! >= 0 && (long)process["peak_rss_kib"]! > 0, $"{name} of {run.ToJsonString()}");
                }
            }
            var kv = records.Where(r => Text(r, "kind") == "kv" && (int)r["round"]! == 1).ToList();
            Assert.Equal(4, kv.Count);
            kv.ForEach(AssertWrkRun);

            var aggregated = await RunAsync(TimeSpan.FromMinutes(1), [], Path.Combine(Repository.Root, "bench", "results.py"), "summary", results);
            Assert.True(aggregated.ExitCode == 0, $"bench/results.py summary exited with {aggregated.ExitCode}.\n{aggregated.Errors}");
            var summary = JsonNode.Parse(aggregated.Output)!;
            var targets = summary["pages"]!.AsArray();
            Assert.Equal(PageTargets, targets.Select(t => Text(t!, "target")));
            var baseline = (double)targets.Single(t => Text(t!, "target") == "baseredis")!["requests_per_second"]!;
            foreach (var target in targets.Select(t => t!))
            {
                var requestsPerSecond = (double)target["requests_per_second"]!;
                Assert.True(requestsPerSecond > 0, $"{target.ToJsonString()} served no pages");
                Assert.Equal(requestsPerSecond / baseline, (double)target["vs_baseline"]!, 9);
                Assert.Single(target["p99_ms"]!.AsArray());
                var cpu = target["cpu_us_per_page"]!.AsObject();
                Assert.Equal((long)cpu["total"]!, cpu.Where(p => p.Key != "total").Sum(p => (long)p.Value!));
                Assert.Equal(cpu.Where(p => p.Key != "total").Select(p => p.Key), target["peak_rss_mib"]!.AsObject().Select(p => p.Key));
            }
            var within = summary["p99_at_or_below_baseline"]!.AsArray();
            Assert.Equal(["server", "serverredis"], within.Select(w => Text(w!, "target")));
            Assert.All(within, w => Assert.Equal(1, (int)w!["of"]!));
            Assert.All(within, w => Assert.InRange((int)w!["rounds"]!, 0, 1));
            Assert.All(summary["kv"]!.AsArray(), row => Assert.True((double)row!["requests_per_second"]! > 0, row.ToJsonString()));

            // The printed tables: the columns by name, one row per target or per backend and operation.
            AssertTable(output, "### Page throughput", PageColumns, targets.Select(t => Text(t!, "label")!).ToArray());
            AssertTable(output, "### KV store API", KvColumns, ["embedded SQLite", "embedded SQLite", "Redis backend (redis-server)", "Redis backend (redis-server)"]);
            Assert.All(within, w => Assert.Contains($"p99 at or below the baseline's in the same round, {Text(w!, "label")}:", output));

            // TIMELINE=1: every page run kept each page's send time and latency, and their table has a row per target.
            Assert.All(pages, run => Assert.True(new FileInfo(Text(run, "timeline_file")!).Length > 0, run.ToJsonString()));
            AssertTable(output, "### When each round's slowest pages came", TimelineColumns, targets.Select(t => Text(t!, "label")!).ToArray());
        }
        finally
        {
            DeleteTimelines(results);
            File.Delete(results);
        }
    }

    /// <summary>The folder run.sh kept the page timings in (TIMELINE=1), named by the records.</summary>
    private static void DeleteTimelines(string results)
    {
        var file = File.Exists(results)
            ? File.ReadLines(results).Select(line => JsonNode.Parse(line)!["timeline_file"]).FirstOrDefault(f => f is not null)
            : null;
        if (file is not null && Path.GetDirectoryName((string)file!) is { } folder && Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// At a paced load (<c>THINK_MS</c>, bench/session.lua): 4 users who each wait 20 ms on average
    /// between pages offer about 200 pages a second, far below what even a busy test machine serves.
    /// </summary>
    [Fact]
    public async Task PacedTailRunSplitsEachPagesTimeIntoPartsThatAddUp()
    {
        RequiredTools.SkipUnless(Tools.All(OnPath),
            "bench/tail.sh needs wrk, redis-server, curl and python3; install them with: sudo apt-get install -y wrk redis-server curl python3");
        var (exitCode, output, errors) = await RunAsync(TimeSpan.FromMinutes(5),
            new() { ["USERS"] = "4", ["SECONDS_PER_TARGET"] = "2", ["WARMUP_SECONDS"] = "1", ["THINK_MS"] = "20" }, Path.Combine(Repository.Root, "bench", "tail.sh"));
        Assert.True(exitCode == 0, $"bench/tail.sh exited with {exitCode}.\n{output}\n{errors}");

        AssertTable(output, "### Pages with Server-Timing on", TailColumns, TailTargets);
        Assert.Contains("each user thinking 20 ms between pages on average", output);
        var pagesPerSecond = Table(output, "### Pages with Server-Timing on").Skip(2).Select(row => int.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(TailTargets.Length, pagesPerSecond.Count);
        Assert.All(pagesPerSecond, rate => Assert.InRange(rate, 1, 300));
        foreach (var target in TailTargets.Skip(1)) // The baseline sends no Server-Timing.
        {
            var split = output.Split('\n').SkipWhile(l => !l.StartsWith(target + ": where web's time went", StringComparison.Ordinal))
                .Skip(1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2).Select(Cells).ToList();
            Assert.True(split.Count == 10, $"No split of {target}'s pages:\n{output}");
            var (parts, whole) = (split.SkipLast(1).ToList(), split[^1]);
            Assert.Equal("web's own time (app)", whole[0]);
            // Every page: the parts' means add up to web's own time (to the rounding of each figure).
            var sum = parts.Sum(row => double.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(sum, double.Parse(whole[1], System.Globalization.CultureInfo.InvariantCulture) - 0.05, double.Parse(whole[1], System.Globalization.CultureInfo.InvariantCulture) + 0.05);
        }
    }

    private static readonly string[] TailColumns = ["target", "pages/s", "client p50 / p99 ms", "web's own p50 / p99 ms", "cores idle", "CPU µs per page"];

    private static readonly string[] TailTargets =
        ["Built-in session over Redis, anti-forgery token in the form (baseline)", "Counter, server-side (embedded SQLite store)", "Counter, server-side (store on Redis backend)"];

    private static void AssertWrkRun(JsonObject run)
    {
        Assert.True((long)run["requests"]! > 0, $"No requests: {run.ToJsonString()}");
        Assert.True((double)run["duration_s"]! > 0, run.ToJsonString());
        Assert.All(ErrorKinds, kind => Assert.NotNull(run["errors"]![kind]));
        Assert.All(Percentiles, p => Assert.True((double)run["latency_ms"]![p]! > 0, run.ToJsonString()));
        Assert.InRange((double)run["cpu_idle_share"]!, 0, 1);
        Assert.InRange((double)run["cpu_elsewhere_share"]!, 0, 1);
    }

    /// <summary>The Markdown table under <paramref name="heading"/>: its header is <paramref name="columns"/> and its rows start with <paramref name="firstCells"/>.</summary>
    private static void AssertTable(string output, string heading, string[] columns, string[] firstCells)
    {
        var lines = Table(output, heading);
        Assert.True(lines.Count > 2, $"No table under {heading}:\n{output}");
        Assert.Equal(columns, lines[0]);
        var rows = lines.Skip(2).ToList();
        Assert.All(rows, row => Assert.Equal(columns.Length, row.Length));
        Assert.Equal(firstCells, rows.Select(row => row[0]));
    }

    /// <summary>The cells of the first Markdown table under <paramref name="heading"/>, its header and separator rows first.</summary>
    private static List<string[]> Table(string output, string heading) =>
        output.Split('\n').SkipWhile(l => !l.StartsWith(heading, StringComparison.Ordinal)).Skip(1)
            .SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Select(Cells).ToList();

    private static string[] Cells(string line) => [.. line.Trim().Trim('|').Split('|').Select(c => c.Trim())];

    private static string? Text(JsonNode node, string name) => (string?)node[name];

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, tool)));

    /// <summary>Runs a script of the repository (bash or python3 by its extension) with these environment variables added.</summary>
    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(TimeSpan limit, Dictionary<string, string> environment, string script, params string[] arguments)
    {
        var start = new ProcessStartInfo(script.EndsWith(".py", StringComparison.Ordinal) ? "python3" : "bash", [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = TestTimeouts.After(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within {limit.TotalMinutes} minutes.\n{await output}\n{await errors}");
        }
        return (process.ExitCode, await output, await errors);
    }
}
