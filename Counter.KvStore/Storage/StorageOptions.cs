namespace Counter.KvStore.Storage;

/// <summary>Which engine keeps the data. Bound from the "Storage" section; each engine's own settings are in its subsection.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// <see cref="StorageBackend.Embedded"/> (default): the embedded SQLite engine (settings in
    /// "Storage:Sqlite"); one store process. <see cref="StorageBackend.Redis"/>: data in a
    /// Redis-protocol server (Redis, Valkey, Garnet) named by the "redis" connection string (settings
    /// in "Storage:Redis"); the store process keeps no state and can run as several replicas.
    /// </summary>
    public StorageBackend Backend { get; set; } = StorageBackend.Embedded;
}
