namespace Counter.KvStore.Storage;

/// <summary>Where the data lives; the same words as the AppHost's Counter:StorageBackend.</summary>
public enum StorageBackend
{
    /// <summary>SQLite inside the store process.</summary>
    Embedded,

    /// <summary>A Redis-protocol server (Redis, Valkey, Garnet).</summary>
    Redis,
}
