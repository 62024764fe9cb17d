using System.Diagnostics;
using System.Net.Http.Headers;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// The real KvStore executable run as a child process over a given data folder, so that a test can
/// kill it (SIGKILL) or stop it (SIGTERM) and start it again over the same data.
/// </summary>
public sealed class KvStoreProcess : IAsyncDisposable
{
    private readonly Process _process;

    private KvStoreProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>What the process printed, its first <see cref="MaxOutputLines"/> lines (start-up messages, warnings).</summary>
    public IReadOnlyCollection<string> Output { get; private init; } = [];

    private const int MaxOutputLines = 1000;

    public int Id => _process.Id;

    /// <summary>
    /// Starts a store and waits until <paramref name="readyPath"/> answers 2xx: <c>/health</c> (can serve writes)
    /// by default, <c>/alive</c> for a store expected to start unhealthy. <paramref name="environment"/> adds
    /// variables to the process's environment; <paramref name="url"/> is where it listens (a free loopback
    /// port when null; give the old one to restart a store where its clients look). <paramref name="dll"/> runs
    /// another build of the store (this build's by default), e.g. an older commit's for a regression hunt.
    /// <paramref name="launcher"/> is a command that runs the store's command line in the same process
    /// (it must exec it, so <see cref="Id"/> is the store's), e.g. <see cref="FiuControl.Launcher"/>.
    /// </summary>
    public static async Task<KvStoreProcess> StartAsync(string dataPath, string readyPath = "/health", IReadOnlyDictionary<string, string>? environment = null, Uri? url = null, string? dll = null,
        IReadOnlyList<string>? launcher = null)
    {
        url ??= new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var process = Launch(dataPath, url, line =>
        {
            if (output.Count < MaxOutputLines)
            {
                output.Enqueue(line);
            }
        }, environment, dll, launcher);
        var store = new KvStoreProcess(process, url) { Output = output };
        await store.WaitReadyAsync(readyPath);
        return store;
    }

    /// <summary>Starts a store expected to refuse to start: its exit code and everything it printed, or a timeout.</summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(string dataPath, TimeSpan bound, IReadOnlyDictionary<string, string>? environment = null)
    {
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Launch(dataPath, new Uri($"http://127.0.0.1:{LoopbackPort.Free()}"), output.Enqueue, environment);
        try
        {
            await process.WaitForExitAsync().WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The store was still running after {bound}: {string.Join('\n', output)}");
        }
        process.WaitForExit(); // Drains the redirected output.
        return (process.ExitCode, string.Join('\n', output));
    }

    private static Process Launch(string dataPath, Uri url, Action<string> onOutput, IReadOnlyDictionary<string, string>? environment, string? dll = null,
        IReadOnlyList<string>? launcher = null)
    {
        dll ??= Repository.KvStoreDll;
        IReadOnlyList<string> command = [.. launcher ?? [], "dotnet", dll];
        var start = new ProcessStartInfo(command[0], command.Skip(1))
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = url.ToString();
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Credentials__Web"] = CounterAppFixture.WebCredential;
        start.Environment["Credentials__Operations"] = CounterAppFixture.OperationsCredential;
        start.Environment["Storage__Sqlite__DataPath"] = dataPath;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        if (dll != Repository.KvStoreDll)
        {
            // Another build may predate a setting's move: it gets the old name too (this build would warn about it).
            foreach (var (old, moved) in Counter.KvStore.StoreSetup.MovedSettings)
            {
                if (start.Environment.TryGetValue(moved.Replace(":", "__", StringComparison.Ordinal), out var value))
                {
                    start.Environment[old.Replace(":", "__", StringComparison.Ordinal)] = value;
                }
            }
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the store.");
        process.OutputDataReceived += (_, line) => onOutput(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => onOutput(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = TestTimeouts.Request };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CounterAppFixture.OperationsCredential);
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs, nothing is flushed.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
    }

    /// <summary>SIGTERM: the graceful stop an orchestrator sends.</summary>
    public async Task StopAsync()
    {
        await SignalAsync("TERM");
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Startup);
    }

    /// <summary>SIGSTOP: the process freezes as in a long GC pause or a stalled VM; <see cref="ResumeAsync"/> wakes it.</summary>
    public Task PauseAsync() => SignalAsync("STOP");

    /// <summary>SIGCONT after <see cref="PauseAsync"/>.</summary>
    public Task ResumeAsync() => SignalAsync("CONT");

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("Could not run kill.");
        await kill.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }
        _process.Dispose();
    }

    private async Task WaitReadyAsync(string readyPath)
    {
        using var http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TestTimeouts.Startup)
        {
            Assert.False(_process.HasExited, $"The store exited with code {(_process.HasExited ? _process.ExitCode : 0)} during start-up.");
            try
            {
                using var response = await http.GetAsync(readyPath);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The store at {Url} did not answer {readyPath} with success within {TestTimeouts.Startup}.");
    }
}
