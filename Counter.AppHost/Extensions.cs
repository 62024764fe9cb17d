using Counter.ServiceDefaults;
using Microsoft.Extensions.Configuration;

namespace Counter.AppHost;

/// <summary>The AppHost's own settings (section "Counter"), read once.</summary>
internal sealed record CounterSettings(SessionMode SessionMode, string DataPath, int WebReplicas, bool TestClock, bool FaultInjection, StoreBackend StoreBackend, int StoreReplicas, string? RedisConnectionString, int RedisReplicaAcknowledgements)
{
    public bool UsesRedis => StoreBackend == StoreBackend.Redis;

    public static CounterSettings From(IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Counter");
        return new CounterSettings(
            SessionMode: builder.Configuration.GetChoice("Counter:SessionMode", SessionMode.ServerSide),
            // Run mode keeps data beside the AppHost so it survives restarts; tests pass their own folder.
            DataPath: Path.GetFullPath(section["DataPath"] ?? Path.Combine(builder.AppHostDirectory, ".data", "kvstore")),
            WebReplicas: section.GetValue("WebReplicas", 1),
            TestClock: section.GetValue("TestClock", false),
            FaultInjection: section.GetValue("FaultInjection", false),
            StoreBackend: builder.Configuration.GetChoice("Counter:StoreBackend", StoreBackend.Embedded),
            StoreReplicas: section.GetValue("StoreReplicas", 1),
            RedisConnectionString: builder.Configuration.GetConnectionString("redis"),
            RedisReplicaAcknowledgements: section.GetValue("RedisReplicaAcknowledgements", 0));
    }

    /// <summary>A store that holds its data in its own process must never sit behind a load balancer.</summary>
    public void Validate()
    {
        if (!UsesRedis && StoreReplicas != 1)
        {
            throw new InvalidOperationException("Counter:StoreReplicas > 1 needs Counter:StoreBackend=Redis: the embedded store keeps its data in its own process.");
        }
    }
}

/// <summary>web's Session:Mode, in the same words.</summary>
internal enum SessionMode
{
    ServerSide,
    Cookie,
}

/// <summary>The store's Storage:Backend, in the same words.</summary>
internal enum StoreBackend
{
    Embedded,
    Redis,
}

internal static class Extensions
{
    /// <summary>Service discovery to the store, plus the web tier's credential, and start only once it is healthy.</summary>
    public static IResourceBuilder<ProjectResource> WithKvStoreReference(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> kvstore, IResourceBuilder<ParameterResource> credential) =>
        project.WithReference(kvstore).WaitFor(kvstore).WithEnvironment("KvClient__Credential", credential);

    /// <summary>
    /// Points the store at its backend. Embedded: a data folder. Redis: the connection string
    /// ConnectionStrings:redis when given (an existing server or cluster), else a Microsoft Garnet
    /// server that the AppHost starts from the repository's .NET tool manifest (no Docker needed),
    /// with its append-only log and checkpoints in the data folder.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStorageBackend(
        this IResourceBuilder<ProjectResource> kvstore, IDistributedApplicationBuilder builder, CounterSettings settings)
    {
        kvstore.WithEnvironment("Storage__DataPath", settings.DataPath);
        if (!settings.UsesRedis)
        {
            return kvstore;
        }
        kvstore.WithEnvironment("Storage__Backend", "Redis").WithReplicas(settings.StoreReplicas);
        if (settings.RedisConnectionString is { } connectionString)
        {
            return kvstore.WithEnvironment("ConnectionStrings__redis", connectionString)
                .WithEnvironment("Storage__ReplicaAcknowledgements", settings.RedisReplicaAcknowledgements.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var garnetData = Path.Combine(settings.DataPath, "garnet");
        OwnerOnly.CreateFolder(settings.DataPath);
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
        return kvstore
            .WithEnvironment("ConnectionStrings__redis", ReferenceExpression.Create($"!{socket},password={password}"))
            .WaitFor(garnet);
    }

    /// <summary>sun_path is 108 bytes on Linux, its terminating NUL included.</summary>
    private const int MaxUnixSocketPathBytes = 107;

    /// <summary>Integration tests move the services' clocks to test expiry without waiting.</summary>
    public static IResourceBuilder<ProjectResource> WithTestClock(this IResourceBuilder<ProjectResource> project, CounterSettings settings) =>
        settings.TestClock ? project.WithEnvironment("Testing__TestClock", "true") : project;

    /// <summary>Reliability tests slow the store down on purpose (POST /_testing/faults?delayMs=N).</summary>
    public static IResourceBuilder<ProjectResource> WithTestFaults(this IResourceBuilder<ProjectResource> kvstore, CounterSettings settings) =>
        settings.FaultInjection ? kvstore.WithEnvironment("Testing__FaultInjection", "true") : kvstore;

    public const string DumpSessionsCommand = "dump-sessions";

    /// <summary>Sessions the dashboard's dump shows: a million would be a response the dashboard cannot display.</summary>
    public const int DumpShown = 100;
    public const string ClearSessionsCommand = "clear-sessions";

    /// <summary>
    /// Dashboard buttons on the store: show every session (the dump), or clear them all. They call
    /// the store's own API with its credential, which the AppHost adds to the request; the
    /// credential is never shown.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStoreCommands(this IResourceBuilder<ProjectResource> kvstore, IResourceBuilder<ParameterResource> credential)
    {
        // The command path is escaped as a path, so the prefix query is added here with the credential.
        Func<HttpCommandRequestContext, Task> Prepare(string query) => async context =>
        {
            context.Request.RequestUri = new UriBuilder(context.Request.RequestUri!) { Query = query }.Uri;
            context.Request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
                "Bearer", await credential.Resource.GetValueAsync(context.CancellationToken));
        };

        return kvstore
            .WithHttpCommand("/v1/entries", "Dump sessions", commandName: DumpSessionsCommand, commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Get,
                Description = $"How many live sessions there are and the first {DumpShown} (storage keys are keyed hashes, not cookies); the dump command prints them all.",
                IconName = "List",
                PrepareRequest = Prepare($"prefix={StoreKeyPrefixes.Sessions}&limit={DumpShown}"),
                GetCommandResult = DumpSummaryAsync,
            })
            .WithHttpCommand("/v1/keys", "Clear all sessions", commandName: ClearSessionsCommand, commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Delete,
                ResultMode = HttpCommandResultMode.Json,
                Description = "Delete every session from the store; every visitor starts again at 1.",
                IconName = "Delete",
                ConfirmationMessage = "Delete every session in the store?",
                PrepareRequest = Prepare("prefix=" + StoreKeyPrefixes.Sessions),
            });
    }

    /// <summary>The dump command's text: the count, <see cref="DumpShown"/> of them (in the store's listing order), and how to get the rest.</summary>
    private static async Task<ExecuteCommandResult> DumpSummaryAsync(HttpCommandResultContext context)
    {
        if (!context.Response.IsSuccessStatusCode)
        {
            return CommandResults.Failure($"The store answered {(int)context.Response.StatusCode}: {await context.Response.Content.ReadAsStringAsync(context.CancellationToken)}");
        }
        var lines = (await context.Response.Content.ReadAsStringAsync(context.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        using var countRequest = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(context.Response.RequestMessage!.RequestUri!) { Path = "/v1/count", Query = "prefix=" + StoreKeyPrefixes.Sessions }.Uri);
        countRequest.Headers.Authorization = context.Response.RequestMessage.Headers.Authorization;
        using var countResponse = await context.HttpClient.SendAsync(countRequest, context.CancellationToken);
        countResponse.EnsureSuccessStatusCode();
        using var count = System.Text.Json.JsonDocument.Parse(await countResponse.Content.ReadAsStringAsync(context.CancellationToken));
        var total = count.RootElement.GetProperty("count").GetInt64();
        var text = new System.Text.StringBuilder()
            .AppendLine(System.FormattableString.Invariant($"{total} live sessions; {(total > lines.Length ? $"{lines.Length} of them" : "all of them")}:"))
            .AppendJoin('\n', lines).AppendLine()
            .Append("Every one, from a shell: KVSTORE_CREDENTIAL=<the kvstore-operations-credential parameter> dotnet run --project Counter.KvStore -- dump --url ")
            .AppendLine(context.Endpoint.Url);
        return CommandResults.Success(System.FormattableString.Invariant($"{total} live sessions"), text.ToString(), CommandResultFormat.Text);
    }
}
