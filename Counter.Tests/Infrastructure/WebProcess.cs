using System.Collections.Concurrent;
using System.Diagnostics;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// The real web executable run as a child process in Production against a given store address
/// (which need not answer), so that a test can start it while its store is down.
/// </summary>
public sealed class WebProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private WebProcess(Process process, ConcurrentQueue<string> output, Uri url)
    {
        _process = process;
        _output = output;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Everything it printed so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts web and waits until <c>/alive</c> answers; fails when it exits first. A null setting removes one of the defaults below.</summary>
    public static async Task<WebProcess> StartAsync(Uri storeUrl, IReadOnlyDictionary<string, string?> settings)
    {
        var url = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var dll = Repository.BuildOutput("Counter.Web", "Counter.Web.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_URLS"] = url.ToString();
        start.Environment["Session__KeySecret"] = CounterAppFixture.SessionKeySecret;
        start.Environment["KeyRing__KeyEncryptionKey"] = CounterAppFixture.KeyRingEncryptionKey;
        start.Environment["KvStoreClient__Credential"] = CounterAppFixture.WebCredential;
        start.Environment["KvStoreClient__BaseAddress"] = storeUrl.ToString();
        start.Environment["Proxy__TrustedNetworks__0"] = "127.0.0.1"; // No plain-HTTP warning: not what these tests are about.
        foreach (var (name, value) in settings)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start web.");
        process.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var web = new WebProcess(process, output, url);
        try
        {
            await web.WaitAliveAsync();
        }
        catch
        {
            await web.DisposeAsync();
            throw;
        }
        return web;
    }

    private async Task WaitAliveAsync()
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var waited = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"Web exited with code {(_process.HasExited ? _process.ExitCode : 0)} during start-up:\n{Output}");
            Assert.True(waited.Elapsed < TestTimeouts.Startup, $"Web did not answer /alive within {TestTimeouts.Startup}:\n{Output}");
            try
            {
                using var response = await http.GetAsync("/alive");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
        }
        _process.Dispose();
    }
}
