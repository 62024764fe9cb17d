using System.ComponentModel.DataAnnotations;

namespace Counter.KvStore.Storage.Redis;

/// <summary>The Redis engine's settings. Bound from the "Storage:Redis" section; the server is the "redis" connection string.</summary>
public sealed class RedisStorageOptions
{
    public const string SectionName = "Storage:Redis";

    /// <summary>
    /// A write is acknowledged only after this many replicas of its primary have it (Redis WAIT,
    /// 500 ms at most, else 503), so a failover to one of them loses no acknowledged write. 0
    /// (default) takes the primary's word, for a single server such as Garnet.
    /// </summary>
    [Range(0, 5)]
    public int ReplicaAcknowledgements { get; set; }
}
