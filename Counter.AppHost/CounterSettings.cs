using Microsoft.Extensions.Configuration;

namespace Counter.AppHost;

/// <summary>The AppHost's own settings (section "Counter"), read once.</summary>
internal sealed record CounterSettings(SessionMode SessionMode, string DataPath, int WebReplicas, bool TestClock, bool FaultInjection, StorageBackend StorageBackend, int StoreReplicas, string? RedisConnectionString, int RedisReplicaAcknowledgements, bool ServerTiming)
{
    /// <summary>Settings that moved when each concept got one word: old name → new name (docs/configuration.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> Moved = new Dictionary<string, string>
    {
        ["Counter:StoreBackend"] = "Counter:StorageBackend",
    };

    public bool UsesRedis => StorageBackend == StorageBackend.Redis;

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
            StorageBackend: builder.Configuration.GetChoice("Counter:StorageBackend", StorageBackend.Embedded),
            StoreReplicas: section.GetValue("StoreReplicas", 1),
            RedisConnectionString: builder.Configuration.GetConnectionString("redis"),
            RedisReplicaAcknowledgements: section.GetValue("RedisReplicaAcknowledgements", 0),
            ServerTiming: section.GetValue("ServerTiming", false));
    }

    /// <summary>A store that holds its data in its own process must never sit behind a load balancer.</summary>
    public void Validate()
    {
        if (!UsesRedis && StoreReplicas != 1)
        {
            throw new InvalidOperationException("Counter:StoreReplicas > 1 needs Counter:StorageBackend=Redis: the embedded store keeps its data in its own process.");
        }
    }
}
