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
/// the log.
/// </summary>
public sealed class GarnetServerProcess : RedisProtocolServerProcess
{
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
    private readonly Queue<string> _output = new();
    private int _server;

    private GarnetServerProcess(string folder)
        : base(folder)
    {
        var config = Path.Combine(folder, "auth.conf");
        OwnerOnly.CreateFile(config);
        File.WriteAllText(config, $$"""{"AuthenticationMode":"Password","Password":"{{_password}}"}""", Encoding.UTF8);
    }

    public override string Name => "garnet-server";

    /// <summary>The store's <c>ConnectionStrings:redis</c> (it holds the password: never log it).</summary>
    public override string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)},password={_password}";

    /// <summary>The server itself, a child of <c>dotnet tool run</c>.</summary>
    protected override int ServerProcessId => _server;

    public static Task<GarnetServerProcess> StartAsync(string folder)
    {
        OwnerOnly.CreateFolder(folder);
        return LaunchedAsync(new GarnetServerProcess(folder));
    }

    protected override Process Launch()
    {
        var start = new ProcessStartInfo("dotnet",
        [
            "tool", "run", "garnet-server", "--", "--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--memory", "512m", "--lua", "true", "--lua-transaction-mode", "true",
            "--aof", "--recover", "--checkpointdir", Folder, "--device-type", "RandomAccess", "--aof-commit-wait",
            "--config-import-path", Path.Combine(Folder, "auth.conf"),
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

    protected override string StartFailureDetail()
    {
        lock (_output)
        {
            return "\n" + string.Join('\n', _output);
        }
    }

    /// <summary>The server's process, found by its folder among the processes under the launcher.</summary>
    protected override void OnAnswering()
    {
        using var server = GarnetProcesses.Find(Folder).Where(process => process.Id != Process.Id).Single();
        _server = server.Id;
    }

    /// <summary>AUTH and PING answer (Garnet recovers its log before it listens).</summary>
    protected override async Task<bool> AnswersAsync()
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
}
