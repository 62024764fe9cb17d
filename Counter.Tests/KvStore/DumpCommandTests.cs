using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

/// <summary>The dump command (the original dump.py) against the running app's store.</summary>
[Collection(EmbeddedApp.Name)]
public sealed class DumpCommandTests(EmbeddedAppFixture app)
{
    [Fact]
    public async Task DumpPrintsOneLinePerSessionIncludingTheOnesThisTestCreated()
    {
        using var alice = app.CreateBrowser();
        using var bob = app.CreateBrowser();
        await alice.LoadCounterAsync();
        await alice.LoadCounterAsync();
        await bob.LoadCounterAsync();

        var (exitCode, output, error) = await RunDumpAsync(CounterAppFixture.OperationsCredential, "--url", app.StoreUrl.ToString());

        Assert.True(exitCode == 0, $"dump exited {exitCode}: {error}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.StartsWith("{\"session:", line, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{{\"{StorageKeys.For(alice.SessionCookie!)}\": ", StringComparison.Ordinal) && l.Contains("\"data\":{\"count\":2}", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"{{\"{StorageKeys.For(bob.SessionCookie!)}\": ", StringComparison.Ordinal) && l.Contains("\"data\":{\"count\":1}", StringComparison.Ordinal));
        // The dump shows storage keys, never the cookie values themselves.
        Assert.DoesNotContain(alice.SessionCookie!, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DumpWithoutACredentialSaysHowToGiveOne()
    {
        var (exitCode, _, error) = await RunDumpAsync(null, "--url", app.StoreUrl.ToString());

        Assert.Equal(2, exitCode);
        Assert.Contains("KVSTORE_CREDENTIAL", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DumpRefusesACredentialOnTheCommandLineWhereTheProcessListWouldShowIt()
    {
        var (exitCode, output, error) = await RunDumpAsync(null, "--url", app.StoreUrl.ToString(), "--credential", CounterAppFixture.OperationsCredential);

        Assert.Equal(2, exitCode);
        Assert.Contains("process list", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task DumpWithTheWebTiersCredentialIsForbidden()
    {
        var (exitCode, output, error) = await RunDumpAsync(CounterAppFixture.WebCredential, "--url", app.StoreUrl.ToString());

        Assert.Equal(1, exitCode);
        Assert.Contains("403", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunDumpAsync(string? credential, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Repository.KvStoreDll, "dump", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("KVSTORE_CREDENTIAL");
        if (credential is not null)
        {
            start.Environment["KVSTORE_CREDENTIAL"] = credential;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Startup);
        return (process.ExitCode, await output, await error);
    }
}
