namespace Counter.KvStore.Storage;

/// <summary>Raised when the storage medium refuses a write (disk full, I/O error).</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null, bool diskFull = false) : Exception(message, inner)
{
    /// <summary>The medium is out of space (answered 507), as opposed to failing or going away (503).</summary>
    public bool DiskFull { get; } = diskFull;
}
