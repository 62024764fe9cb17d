using System.ComponentModel.DataAnnotations;

namespace Counter.KvStore.Storage;

/// <summary>How the store keeps its data and what it accepts. Bound from the "Storage" section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// <see cref="StorageBackend.Embedded"/> (default): the embedded SQLite engine, data in <see cref="DataPath"/>;
    /// one store process. <see cref="StorageBackend.Redis"/>: data in a Redis-protocol server (Redis,
    /// Valkey, Garnet) named by the "redis" connection string; the store process keeps no state and
    /// can run as several replicas.
    /// </summary>
    public StorageBackend Backend { get; set; } = StorageBackend.Embedded;

    /// <summary>Folder that holds the SQLite database (created if missing). Relative paths are under the content root.</summary>
    [Required]
    public string DataPath { get; set; } = ".data";

    /// <summary>
    /// <see cref="SyncMode.Full"/> (default) fsyncs the write-ahead log on every commit: an acknowledged
    /// write survives a process kill and a power cut. <see cref="SyncMode.Normal"/> survives a process
    /// kill but may lose the last commits on power loss; it saves one fsync per batch.
    /// Commits are grouped (see <see cref="MaxBatchSize"/>), so one fsync covers many requests.
    /// </summary>
    public SyncMode Synchronous { get; set; } = SyncMode.Full;

    /// <summary>
    /// Redis backend: a write is acknowledged only after this many replicas of its primary have it
    /// (Redis WAIT, 500 ms at most, else 503), so a failover to one of them loses no acknowledged
    /// write. 0 (default) takes the primary's word, for a single server such as Garnet.
    /// </summary>
    [Range(0, 5)]
    public int ReplicaAcknowledgements { get; set; }

    /// <summary>Longest key accepted, in characters.</summary>
    [Range(1, 1024)]
    public int MaxKeyLength { get; set; } = 250;

    /// <summary>Largest single JSON value accepted, in UTF-8 bytes. Sessions are small; 64 KiB is generous.</summary>
    [Range(16, 16 * 1024 * 1024)]
    public int MaxValueBytes { get; set; } = 64 * 1024;

    /// <summary>Largest request body accepted (the original bulk <c>POST /</c> may carry many keys).</summary>
    [Range(16, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most writes committed in one transaction. Larger batches mean fewer fsyncs under load.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// Most writes waiting for the embedded writer. When that many wait, a write is refused at once
    /// (503) rather than queued behind work that would outlast its caller's patience.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedWrites { get; set; } = 4096;

    /// <summary>
    /// Most bytes of keys and values waiting for the embedded writer, so that the queue's memory is
    /// bounded too (4096 waiting writes of 1 MiB would be 4 GiB). Past it a write is refused at once
    /// (503), as past <see cref="MaxQueuedWrites"/>; a single write larger than this goes when nothing else waits.
    /// </summary>
    [Range(1, 64L * 1024 * 1024 * 1024)]
    public long MaxQueuedBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// How long a starting embedded store waits for another process to release the data folder (one
    /// that is shutting down) before it refuses to start. Only one process may own a folder.
    /// </summary>
    public TimeSpan DataFolderWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often expired keys are physically deleted. They are invisible to reads at once either way.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Page size used when streaming listings and dumps, bounding memory per request.</summary>
    [Range(1, 100_000)]
    public int ScanPageSize { get; set; } = 1000;
}
