namespace Counter.KvStore.Storage;

/// <summary>
/// The storage engine behind the HTTP API. Every method sees only live entries: an entry whose
/// expiry has passed is absent at once, whether or not it has been reclaimed yet.
/// Versions are unique across the store's lifetime, so a deleted and re-created key never
/// matches an old version (no ABA on compare-and-set).
/// </summary>
public interface IKeyValueStorage
{
    Task<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken);

    Task<WriteResult> PutAsync(string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive, CancellationToken cancellationToken);

    /// <summary>Sets several keys in one transaction (the original bulk <c>POST /</c>); all or nothing.</summary>
    Task PutManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Several independent puts, each with its own condition and expiry, applied together (one
    /// transaction and one fsync on SQLite, one pipelined round trip on Redis). Each succeeds or
    /// fails its precondition on its own; results are in request order.
    /// </summary>
    Task<IReadOnlyList<WriteResult>> PutEachAsync(IReadOnlyList<PutRequest> puts, CancellationToken cancellationToken);

    Task<DeleteResult> DeleteAsync(string key, WriteCondition condition, CancellationToken cancellationToken);

    /// <summary>Extends a live key's expiry without rewriting it; its version is unchanged. Null when absent.</summary>
    Task<long?> TouchAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken);

    /// <summary>Deletes every key with the (non-empty) prefix, in bounded chunks; returns how many.</summary>
    Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> keys with the prefix, continuing from <paramref name="cursor"/>
    /// (null for the first page): the last key of the page before. Pages are in key order on every
    /// backend, so a key that exists throughout the listing is returned exactly once, whatever else
    /// is created or expires between pages and whatever limit each page asks.
    /// </summary>
    Task<KeyPage> ListAsync(string prefix, string? cursor, int limit, CancellationToken cancellationToken);

    /// <summary>How many live keys have the prefix (a range count for SQLite, a SCAN for Redis).</summary>
    Task<long> CountAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Streams every live entry with the prefix, a page at a time, so memory stays bounded.</summary>
    IAsyncEnumerable<StoredEntry> ScanAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Physically removes up to <paramref name="limit"/> expired entries; returns how many.</summary>
    Task<int> SweepExpiredAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Live-ish totals for metrics (rows stored, including expired ones not yet swept).</summary>
    (long Keys, long Bytes) Totals { get; }
}
