using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

/// <summary>
/// One of two web replicas dies (kill -9) under load: users carry on through the other one with
/// their sessions intact, because a session lives in the store, not in a web process. Its own app,
/// since the killed replica stays dead.
/// </summary>
[Collection(WebCrashApp.Name)]
[Trait("Category", "Reliability")]
public sealed class WebReplicaCrashTests(WebCrashAppFixture app)
{
    [Fact]
    public async Task KillingOneWebReplicaUnderLoadLosesNoSession()
    {
        var victim = (await app.ProcessIdsAsync("web")).First();
        await using var load = await LoadDriver.StartAsync(app.WebUrl, ReliabilityReport.Users);
        await Task.Delay(ReliabilityReport.LoadDuration / 2);

        Process.GetProcessById(victim).Kill(); // SIGKILL, mid-request for some users.
        var atKill = load.Successes;
        await Task.Delay(ReliabilityReport.LoadDuration / 2);
        var result = await load.StopAsync();

        ReliabilityReport.Add("Web crash", ReliabilityReport.Describe(result), "kill -9 of one of 2 web replicas (not restarted)",
            result.Requests, $"{result.DescribeFailures()}; {result.Repeats.Count} loads re-sent by the client after their connection broke counted once more", result.Violations.Count);
        Assert.True(result.Violations.Count == 0, result.DescribeViolations());
        // A GET cut off by the crash may be re-sent transparently (at-least-once): at most once per user.
        Assert.True(result.Repeats.Count <= result.Users, result.DescribeViolations());
        Assert.True(result.Successes > atKill + result.Users, $"Loads: {atKill} at the kill, {result.Successes} in all.");
        // Only requests caught on the dying replica may fail, and they fail as broken connections.
        Assert.True(result.FailedRequests <= 2 * result.Users, "Too many failures: " + result.DescribeFailures());
        Assert.DoesNotContain(result.Failures.Keys, k => !k.StartsWith("connection", StringComparison.Ordinal));
    }
}
