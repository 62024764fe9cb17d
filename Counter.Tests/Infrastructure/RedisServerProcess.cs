using System.Diagnostics;
using System.Globalization;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// One Debian <c>redis-server</c> on a loopback port with its append-only file fsynced before every
/// answer (<c>appendonly yes</c>, <c>appendfsync always</c>), so an acknowledged write survives its
/// kill -9: a restart over the same folder replays the file. The folder is deleted on dispose.
/// </summary>
public sealed class RedisServerProcess : IRedisProtocolServer, IAsyncDisposable
{
    private readonly string _folder;
    private Process _process;

    private RedisServerProcess(string folder, int port)
    {
        _folder = folder;
        Port = port;
        _process = Launch();
    }

    public string Name => "redis-server";

    public int Port { get; }

    public int Id => _process.Id;

    /// <summary>The store's <c>ConnectionStrings:redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisServerProcess> StartAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var server = new RedisServerProcess(folder, LoopbackPort.Free());
        try
        {
            await server.WaitReadyAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: nothing flushed beyond what each fsync already made durable.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
    }

    /// <summary>Starts the server again over the same folder and port, and waits until it has replayed its log.</summary>
    public async Task RestartAsync()
    {
        _process.Dispose();
        _process = Launch();
        await WaitReadyAsync();
    }

    /// <summary>SIGSTOP: frozen as in a stalled VM; <see cref="ResumeAsync"/> wakes it.</summary>
    public Task PauseAsync() => Signals.SendAsync(_process.Id, "STOP");

    public Task ResumeAsync() => Signals.SendAsync(_process.Id, "CONT");

    private Process Launch()
    {
        var start = new ProcessStartInfo("redis-server",
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _folder,
            "--appendonly", "yes", "--appendfsync", "always", "--save", "",
            "--logfile", "redis.log",
        ])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
    }

    /// <summary>Until PING answers PONG: while it replays its log the server answers LOADING instead.</summary>
    private async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (await RedisCluster.CliAsync(Port, "PING") != "PONG")
        {
            Assert.False(_process.HasExited, $"redis-server exited with code {(_process.HasExited ? _process.ExitCode : 0)} at start; see {_folder}/redis.log.");
            if (deadline.Elapsed > TestTimeouts.Startup)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer PING within {TestTimeouts.Startup}.");
            }
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
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
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // In /tmp; the server's last write may race the delete.
        }
    }
}
