using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Counter.Tests.KvStore;

/// <summary>
/// The Garnet server the AppHost starts (Redis backend without a connection string) dies mid-writes
/// (kill -9) and is started again, recovering from its append-only log: every count a user was
/// shown is still there, because Garnet answers a write only once its log holds it
/// (--aof-commit-wait). Its own app, since the kill disturbs everyone using it.
/// </summary>
[Collection(GarnetCrashApp.Name)]
[Trait("Category", "Reliability")]
public sealed class GarnetDurabilityTests(GarnetCrashAppFixture app)
{
    [Fact]
    public async Task KillingGarnetMidWritesLosesNoAcknowledgedWrite()
    {
        var commands = app.App.Services.GetRequiredService<ResourceCommandService>();
        await using var load = await LoadDriver.StartAsync(app.WebUrl, ReliabilityReport.Users);
        await Task.Delay(ReliabilityReport.LoadDuration / 2);
        var before = load.Successes;

        var killed = GarnetProcesses.Find(app.DataPath);
        Assert.NotEmpty(killed);
        foreach (var process in killed)
        {
            process.Kill(); // SIGKILL: nothing flushed by Garnet itself.
        }
        await app.App.ResourceNotifications.WaitForResourceAsync("garnet", KnownResourceStates.TerminalStates).WaitAsync(TestTimeouts.Startup);
        var outage = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(1)); // Users meet the outage.
        var started = await commands.ExecuteCommandAsync("garnet", KnownResourceCommands.StartCommand);
        Assert.True(started.Success, started.Message);
        await app.App.ResourceNotifications.WaitForResourceAsync("garnet", KnownResourceStates.Running).WaitAsync(TestTimeouts.Startup);
        // Garnet replays its log, then the stores reconnect: the users' loads succeed again.
        var atRestart = load.Successes;
        while (load.Successes < atRestart + load.Users)
        {
            Assert.True(outage.Elapsed < TestTimeouts.Startup, $"The pages did not recover within {TestTimeouts.Startup} of the kill.");
            await Task.Delay(50);
        }
        outage.Stop();
        var atRecovery = load.Successes;
        await Task.Delay(ReliabilityReport.LoadDuration / 2);
        var result = await load.StopAsync();

        ReliabilityReport.Add("Garnet crash", ReliabilityReport.Describe(result),
            $"kill -9 of Garnet mid-writes, restarted with --recover after 1 s; pages back {outage.Elapsed.TotalSeconds:F1} s after the kill", result.Requests,
            $"{result.DescribeFailures()} (slowest 503: {result.Slowest503.TotalSeconds:F2} s)", result.Violations.Count);
        Assert.True(result.Violations.Count == 0 && result.Repeats.Count == 0, result.DescribeViolations());
        Assert.True(result.Failures.GetValueOrDefault("503") > 0, "Nobody met the outage: " + result.DescribeFailures());
        Assert.Equal(result.Failures.GetValueOrDefault("503"), result.FailedRequests);
        Assert.True(result.Slowest503 < LoadDriver.PageBound, $"A 503 took {result.Slowest503}.");
        Assert.True(before > 0 && result.Successes > atRecovery, $"Loads: {before} before the kill, {atRecovery} at recovery, {result.Successes} in all.");
    }
}
