using System.Diagnostics;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// A Redis-protocol server a test runs as a process (redis-server, Garnet) on a loopback port over a
/// folder of its own, for the nemesis to kill (-9), restart over the same data, pause or cut off.
/// A subclass says how to launch it and how to tell that it answers; the folder is deleted on dispose.
/// </summary>
public abstract class RedisProtocolServerProcess : IAsyncDisposable
{
    private Process? _process;

    protected RedisProtocolServerProcess(string folder)
    {
        Folder = folder;
        Port = LoopbackPort.Free();
    }

    /// <summary>What it is, for reports: <c>redis-server</c>, <c>garnet-server</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Its loopback TCP port.</summary>
    public int Port { get; }

    /// <summary>The store's <c>ConnectionStrings:redis</c>.</summary>
    public abstract string ConnectionString { get; }

    protected string Folder { get; }

    /// <summary>The process a launch started.</summary>
    protected Process Process => _process ?? throw new InvalidOperationException($"{Name} was not launched.");

    /// <summary>The process a pause stops: the launched one unless the server runs under a launcher.</summary>
    protected virtual int ServerProcessId => Process.Id;

    /// <summary>SIGKILL to the server and anything that launched it: nothing flushed beyond what the server made durable before answering.</summary>
    public async Task KillAsync()
    {
        Process.Kill(entireProcessTree: true);
        await Process.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
    }

    /// <summary>Starts it again over the same folder and port, and waits until it has recovered its log.</summary>
    public async Task RestartAsync()
    {
        Process.Dispose();
        _process = Launch();
        await WaitReadyAsync();
    }

    /// <summary>SIGSTOP: frozen as in a stalled VM; <see cref="ResumeAsync"/> wakes it.</summary>
    public Task PauseAsync() => Signals.SendAsync(ServerProcessId, "STOP");

    public Task ResumeAsync() => Signals.SendAsync(ServerProcessId, "CONT");

    /// <summary>Launches a new server and waits until it answers; disposes of it if it does not.</summary>
    protected static async Task<T> LaunchedAsync<T>(T server)
        where T : RedisProtocolServerProcess
    {
        try
        {
            server._process = server.Launch();
            await server.WaitReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    protected abstract Process Launch();

    /// <summary>True once the server answers a command (it recovers its log first).</summary>
    protected abstract Task<bool> AnswersAsync();

    /// <summary>Where to look when it does not start: its log, or what it printed.</summary>
    protected abstract string StartFailureDetail();

    /// <summary>Runs once the server answers, after each launch.</summary>
    protected virtual void OnAnswering()
    {
    }

    private async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (!await AnswersAsync())
        {
            if (Process.HasExited || deadline.Elapsed > TestTimeouts.Startup)
            {
                throw new TimeoutException($"{Name} on port {Port} did not answer within {TestTimeouts.Startup} (exited: {Process.HasExited}): {StartFailureDetail()}");
            }
            await Task.Delay(50);
        }
        OnAnswering();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    await KillAsync(); // SIGKILL ends a paused server too.
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            _process.Dispose();
        }
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // In /tmp; the server's last write may race the delete.
        }
        GC.SuppressFinalize(this);
    }
}
