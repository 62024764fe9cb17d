using System.ComponentModel.DataAnnotations;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>The embedded SQLite engine's settings. Bound from the "Storage:Sqlite" section.</summary>
public sealed class SqliteStorageOptions
{
    public const string SectionName = "Storage:Sqlite";

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

    /// <summary>Most writes committed in one transaction. Larger batches mean fewer fsyncs under load.</summary>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// Most writes waiting for the writer. When that many wait, a write is refused at once (503)
    /// rather than queued behind work that would outlast its caller's patience.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedWrites { get; set; } = 4096;

    /// <summary>
    /// Most bytes of keys and values waiting for the writer, so that the queue's memory is bounded too
    /// (4096 waiting writes of 1 MiB would be 4 GiB). Past it a write is refused at once (503), as past
    /// <see cref="MaxQueuedWrites"/>; a single write larger than this goes when nothing else waits.
    /// </summary>
    [Range(1, 64L * 1024 * 1024 * 1024)]
    public long MaxQueuedBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// How long a starting store waits for another process to release the data folder (one that is
    /// shutting down) before it refuses to start. Only one process may own a folder.
    /// </summary>
    public TimeSpan DataFolderWait { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often expired keys are physically deleted. They are invisible to reads at once either way.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Page size used when streaming listings and dumps, bounding memory per request.</summary>
    [Range(1, 100_000)]
    public int ScanPageSize { get; set; } = 1000;
}
