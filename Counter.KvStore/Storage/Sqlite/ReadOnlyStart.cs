namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// The database was opened read-only at start because its disk refused writes then (full, or not
/// writable): the store serves reads and refuses every write until it is restarted on a disk that
/// takes writes. The texts name no key or path: they reach write answers, /health and logs.
/// </summary>
internal sealed record ReadOnlyStart(bool DiskFull)
{
    public string Description => DiskFull
        ? "The store's disk was full when it started: it serves reads only. Free space and restart it."
        : "The store's disk was not writable when it started: it serves reads only. Make it writable and restart the store.";

    /// <summary>What a write gets: 507 for a full disk, 503 otherwise.</summary>
    public StorageUnavailableException Refusal() => DiskFull
        ? new("The store's disk is full (since it started; it serves reads only until restarted); the write was not saved.", diskFull: true)
        : new("The store's disk is not writable (since it started; it serves reads only until restarted); the write was not saved.");
}
