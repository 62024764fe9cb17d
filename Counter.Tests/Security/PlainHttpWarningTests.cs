using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// Web in Production serving plain HTTP while trusting no proxy sends its session cookie without
/// Secure or __Host-: it says so, with a start-up warning naming Proxy:TrustedNetworks and /health
/// Degraded; with the proxy listed it is Healthy and quiet. The real web process, no store needed.
/// </summary>
public sealed class PlainHttpWarningTests
{
    [Theory]
    [InlineData(null, "Degraded", true)]
    [InlineData("127.0.0.1", "Healthy", false)]
    public async Task PlainHttpInProductionWithoutATrustedProxyIsReported(string? trustedProxy, string health, bool warned)
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var dll = Repository.BuildOutput("Counter.Web", "Counter.Web.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["Session__KeySecret"] = CounterAppFixture.SessionKeySecret;
        start.Environment["KvStoreClient__Credential"] = CounterAppFixture.WebCredential;
        start.Environment["KvStoreClient__BaseAddress"] = "http://127.0.0.1:1"; // No store: health does not ask it.
        if (trustedProxy is not null)
        {
            start.Environment["Proxy__TrustedNetworks__0"] = trustedProxy;
        }
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(2) };
            var answer = "";
            var waited = Stopwatch.StartNew();
            while (answer.Length == 0)
            {
                Assert.False(process.HasExited, "Web exited: " + string.Join('\n', output));
                Assert.True(waited.Elapsed < TestTimeouts.Startup, "Web did not answer /health.");
                try
                {
                    answer = await http.GetStringAsync("/health");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100); // Not listening yet.
                }
            }

            Assert.Equal(health, answer);
            Assert.Equal(warned, output.Any(line => line.Contains("trusts no proxy", StringComparison.Ordinal) && line.Contains("Proxy:TrustedNetworks", StringComparison.Ordinal)));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
        }
    }
}
