using Counter.ServiceDefaults;

namespace Counter.AppHost;

/// <summary>
/// A Microsoft Garnet server for the Redis backend, started from the repository's .NET tool
/// manifest (no Docker needed), with its append-only log and checkpoints in the data folder.
/// </summary>
internal static class GarnetResource
{
    /// <summary>sun_path is 108 bytes on Linux, its terminating NUL included.</summary>
    private const int MaxUnixSocketPathBytes = 107;

    /// <summary>Adds Garnet; answers it and the connection string the store uses to reach it.</summary>
    public static (IResourceBuilder<ExecutableResource> Garnet, ReferenceExpression ConnectionString) Add(IDistributedApplicationBuilder builder, string dataPath)
    {
        var garnetData = Path.Combine(dataPath, "garnet");
        OwnerOnly.CreateFolder(dataPath);
        OwnerOnly.CreateFolder(garnetData);
        // A password, so that no other local process can read, write or flush sessions past the store's
        // credential. Garnet reads it from a config file (0600), not an argument any user's ps shows.
        var password = builder.AddParameter("garnet-password", new GenerateParameterDefault { MinLength = 40, Special = false }, secret: true, persist: true);
        // The store reaches Garnet over a Unix domain socket in the owner-only data folder: no other
        // user's process can connect, and the password never crosses a TCP port another process could
        // have taken. Garnet cannot listen on the socket alone; its TCP listener is bound by Garnet
        // itself to an ephemeral loopback port (port 0: never chosen, released and re-bound), unused
        // and password-protected.
        var socket = Path.Combine(garnetData, "garnet.sock");
        if (System.Text.Encoding.UTF8.GetByteCount(socket) > MaxUnixSocketPathBytes)
        {
            throw new InvalidOperationException(
                $"Garnet's socket path '{socket}' is over the {MaxUnixSocketPathBytes} bytes a Unix domain socket path may have: set Counter:DataPath to a shorter folder.");
        }
        var garnet = builder.AddExecutable("garnet", "dotnet", Path.GetDirectoryName(builder.AppHostDirectory)!,
                "tool", "run", "garnet-server", "--", "--bind", "127.0.0.1", "--port", "0",
                "--unixsocket", socket, "--unixsocketperm", "600", "--memory", "512m",
                // Scripts must run atomically (Redis does; Garnet only in transaction mode): they are our compare-and-set.
                "--lua", "true", "--lua-transaction-mode", "true",
                // Append-only log, recovered on start; the portable file device needs no libaio.
                "--aof", "--recover", "--checkpointdir", garnetData, "--device-type", "RandomAccess",
                // Answer a write only once the log holds it: by default Garnet answers first and
                // commits after, and a kill -9 in between lost an acknowledged write (1 run in 3).
                "--aof-commit-wait");
        garnet.WithArgs(async context =>
        {
            var config = Path.Combine(garnetData, "auth.conf");
            var settingsJson = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["AuthenticationMode"] = "Password",
                ["Password"] = await password.Resource.GetValueAsync(context.CancellationToken) ?? throw new InvalidOperationException("No garnet-password."),
            });
            OwnerOnly.CreateFile(config);
            await File.WriteAllTextAsync(config, settingsJson, context.CancellationToken);
            context.Args.Add("--config-import-path");
            context.Args.Add(config);
        });
        // "!" marks a Unix domain socket in a StackExchange.Redis connection string. While Garnet is
        // down the socket refuses connections, so the store answers 503 at once, and it reconnects
        // when Garnet is back.
        return (garnet, ReferenceExpression.Create($"!{socket},password={password}"));
    }
}
