using Counter.Tests.Infrastructure;

namespace Counter.Tests.Reliability;

/// <summary>
/// Load scenarios on the whole app (two web replicas and the embedded store) that assert what the
/// page campaign (<see cref="PageCampaignTests"/>, which kills, pauses and slows the processes) does
/// not: many simulated users each with their own session, who check every answer (see
/// <see cref="LoadDriver"/>), with no fault (no request fails, each final count is its user's number of
/// loads) and with a slow store (web's threads and open sockets stay flat, pages recover by
/// themselves). Sized small here; bench/reliability.sh runs them at 200 users for 60 s and prints the table.
/// </summary>
[Collection(ReliabilityApp.Name)]
[Trait("Category", "Reliability")]
public sealed class ReliabilityTests(ReliabilityAppFixture app)
{
    private static readonly TimeSpan SlowStoreDelay = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ManyUsersHammeringThePageLoseNothingAndEveryCountIsTheirNumberOfLoads()
    {
        await using var load = await LoadDriver.StartAsync(app.WebUrl, ReliabilityReport.Users);
        await Task.Delay(ReliabilityReport.LoadDuration);
        var result = await load.StopAsync();

        ReliabilityReport.Add("Load", ReliabilityReport.Describe(result), "none", result.Requests, result.DescribeFailures(), result.Violations.Count);
        Assert.True(result.Violations.Count == 0 && result.Repeats.Count == 0, result.DescribeViolations());
        Assert.Equal(0, result.FailedRequests);
        Assert.Equal(result.Users, result.UsersWhoseCountIsTheirLoads);
        Assert.True(result.Successes > result.Users * 2, $"Only {result.Successes} loads in {result.Elapsed}.");
    }

    [Fact]
    public async Task ASlowStoreMakesPagesGiveUpAtTheirBoundWithoutPilingUpAndTheyRecover()
    {
        var webPids = await app.ProcessIdsAsync("web");
        await using var load = await LoadDriver.StartAsync(app.WebUrl, ReliabilityReport.Users);
        await Task.Delay(TimeSpan.FromSeconds(2)); // A steady load before the baseline is taken.
        var resourcesBefore = ProcessResources.Of(webPids);

        await app.SetStoreDelayAsync(SlowStoreDelay);
        ProcessResources during;
        try
        {
            await Task.Delay(ReliabilityReport.LoadDuration);
            during = ProcessResources.Of(webPids);
        }
        finally
        {
            await app.SetStoreDelayAsync(TimeSpan.Zero);
        }
        var recovered = load.Successes;
        await Task.Delay(TimeSpan.FromSeconds(4)); // The circuit breaker lets a probe through within 2 s.
        var result = await load.StopAsync();

        ReliabilityReport.Add("Slow store", ReliabilityReport.Describe(result),
            $"every store call delayed {SlowStoreDelay.TotalSeconds:F0} s for {ReliabilityReport.LoadDuration.TotalSeconds:F0} s; web threads {resourcesBefore.Threads}→{during.Threads}, open files {resourcesBefore.Files}→{during.Files}",
            result.Requests, $"{result.DescribeFailures()} (slowest 503: {result.Slowest503.TotalSeconds:F2} s)", result.Violations.Count);
        Assert.True(result.Violations.Count == 0 && result.Repeats.Count == 0, result.DescribeViolations());
        Assert.True(result.Failures.GetValueOrDefault("503") >= result.Users, "Users did not meet the slow store: " + result.DescribeFailures());
        Assert.Equal(result.Failures.GetValueOrDefault("503"), result.FailedRequests);
        Assert.True(result.Slowest503 < LoadDriver.PageBound, $"A 503 took {result.Slowest503}.");
        // Give-ups release what they held: a pile-up would grow with the number of requests made.
        Assert.True(during.Threads <= resourcesBefore.Threads + 16, $"Web threads grew from {resourcesBefore.Threads} to {during.Threads}.");
        Assert.True(during.Files <= resourcesBefore.Files + (2 * result.Users), $"Web open files grew from {resourcesBefore.Files} to {during.Files}.");
        Assert.True(result.Successes > recovered, "The pages did not recover after the store did.");
    }

    /// <summary>Threads and open file descriptors (sockets included) of a set of processes.</summary>
    private sealed record ProcessResources(int Threads, int Files)
    {
        public static ProcessResources Of(IEnumerable<int> pids) => new(
            pids.Sum(pid => int.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))["Threads:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)),
            pids.Sum(pid => Directory.GetFiles($"/proc/{pid}/fd").Length));
    }
}
