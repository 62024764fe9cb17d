using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Counter.ServiceDefaults;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// One Microsoft Garnet server from the repository's tool manifest (<c>dotnet tool run garnet-server</c>,
/// restored by the AppHost build the tests depend on) with the AppHost's durability arguments
/// (<c>Counter.AppHost/GarnetResource.cs</c>): append-only log recovered on start and committed before
/// each answer, Lua scripts atomic, a password from an owner-only config file. Unlike the AppHost it
/// listens on a loopback TCP port, not a Unix socket, so that a test can cut the store from it with
/// port rules (<see cref="NetworkPartition"/>). A kill (-9) and a restart over the same folder replay
/// the log. The folder is deleted on dispose.
/// </summary>
public sealed class GarnetServerProcess : IRedisProtocolServer, IAsyncDisposable
{
    private readonly string _folder;
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly Queue<string> _output = new();
    private Process _launcher;
    private int _server;

    private GarnetServerProcess(string folder, int port)
    {
        _folder = folder;
        Port = port;
        var config = Path.Combine(folder, "auth.conf");
        OwnerOnly.CreateFile(config);
        File.WriteAllText(config, $$"""{"AuthenticationMode":"Password","Password":"{{_password}}"}""", Encoding.UTF8);
        _launcher = Launch();
    }

    public string Name => "garnet-server";

    public int Port { get; }

    /// <summary>The store's <c>ConnectionStrings:redis</c> (it holds the password: never log it).</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)},password={_password}";

    public static async Task<GarnetServerProcess> StartAsync(string folder)
    {
        OwnerOnly.CreateFolder(folder);
        var server = new GarnetServerProcess(folder, LoopbackPort.Free());
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

    /// <summary>SIGKILL to the server and the <c>dotnet tool run</c> that started it: nothing flushed beyond what each commit wait made durable.</summary>
    public async Task KillAsync()
    {
        _launcher.Kill(entireProcessTree: true);
        await _launcher.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
    }

    /// <summary>Starts the server again over the same folder and port, and waits until it has recovered its log.</summary>
    public async Task RestartAsync()
    {
        _launcher.Dispose();
        _launcher = Launch();
        await WaitReadyAsync();
    }

    /// <summary>SIGSTOP to the server itself (a child of <c>dotnet tool run</c>); <see cref="ResumeAsync"/> wakes it.</summary>
    public Task PauseAsync() => Signals.SendAsync(_server, "STOP");

    public Task ResumeAsync() => Signals.SendAsync(_server, "CONT");

    private Process Launch()
    {
        var start = new ProcessStartInfo("dotnet",
        [
            "tool", "run", "garnet-server", "--", "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--memory", "512m", "--lua", "true", "--lua-transaction-mode", "true",
            "--aof", "--recover", "--checkpointdir", _folder, "--device-type", "RandomAccess", "--aof-commit-wait",
            "--config-import-path", Path.Combine(_folder, "auth.conf"),
        ])
        {
            WorkingDirectory = Repository.Root, // Where the tool manifest is.
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start garnet-server.");
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The last lines the server printed, for a start-up failure's message.</summary>
    private void Keep(string? line)
    {
        lock (_output)
        {
            _output.Enqueue(line ?? "");
            if (_output.Count > 40)
            {
                _output.Dequeue();
            }
        }
    }

    /// <summary>Until AUTH and PING answer (Garnet recovers its log before it listens); then finds the server's process.</summary>
    private async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (!await PingAsync())
        {
            if (_launcher.HasExited || deadline.Elapsed > TestTimeouts.Startup)
            {
                string printed;
                lock (_output)
                {
                    printed = string.Join('\n', _output);
                }
                throw new TimeoutException($"garnet-server on port {Port} did not answer PING within {TestTimeouts.Startup} (exited: {_launcher.HasExited}):\n{printed}");
            }
            await Task.Delay(100);
        }
        using var server = GarnetProcesses.Find(_folder).Where(process => process.Id != _launcher.Id).Single();
        _server = server.Id;
    }

    private async Task<bool> PingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, Port, bound.Token);
            var stream = client.GetStream();
            // RESP arrays: Garnet does not take inline commands.
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"*2\r\n$4\r\nAUTH\r\n${_password.Length}\r\n{_password}\r\n*1\r\n$4\r\nPING\r\n"), bound.Token);
            var answer = new StringBuilder();
            var buffer = new byte[64];
            while (!answer.ToString().Contains("+PONG", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, bound.Token);
                if (read == 0)
                {
                    return false;
                }
                answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            return answer.ToString().StartsWith("+OK", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_launcher.HasExited)
            {
                await KillAsync(); // SIGKILL ends a paused server too.
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _launcher.Dispose();
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
