using System.Diagnostics;
using System.Globalization;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// One Debian <c>redis-server</c> on a loopback port with its append-only file fsynced before every
/// answer (<c>appendonly yes</c>, <c>appendfsync always</c>), so an acknowledged write survives its
/// kill -9: a restart over the same folder replays the file.
/// </summary>
public sealed class RedisServerProcess : RedisProtocolServerProcess
{
    private RedisServerProcess(string folder)
        : base(folder)
    {
    }

    public override string Name => "redis-server";

    public override string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static Task<RedisServerProcess> StartAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        return LaunchedAsync(new RedisServerProcess(folder));
    }

    protected override Process Launch()
    {
        var start = new ProcessStartInfo("redis-server",
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", Folder,
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

    /// <summary>PING answers PONG: while it replays its log the server answers LOADING instead.</summary>
    protected override async Task<bool> AnswersAsync() => await RedisCluster.CliAsync(Port, "PING") == "PONG";

    protected override string StartFailureDetail() => $"see {Folder}/redis.log";
}
