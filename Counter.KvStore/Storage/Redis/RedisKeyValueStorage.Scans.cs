using System.Globalization;
using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// Listing, counting, dumping and clearing: SCAN on every primary in turn (a SCAN sent through the
/// database goes to one node, which on a cluster sees only its own slots). A primary that cannot
/// be reached fails the operation (503) instead of leaving its keys out.
/// </summary>
public sealed partial class RedisKeyValueStorage
{
    private const int ScanBatch = 500;

    private long _keys;
    private long _lastRefresh;

    /// <summary>
    /// Keys on the primaries (server-wide: a shared server counts others' keys too); bytes are not
    /// tracked for this backend. Refreshed in the background at most every 5 s: metric callbacks
    /// must never block on a network call.
    /// </summary>
    public (long Keys, long Bytes) Totals
    {
        get
        {
            var now = Environment.TickCount64;
            if (now - Interlocked.Read(ref _lastRefresh) > 5000)
            {
                Interlocked.Exchange(ref _lastRefresh, now);
                _ = RefreshKeyCountAsync();
            }
            return (Interlocked.Read(ref _keys), 0);
        }
    }

    private async Task RefreshKeyCountAsync()
    {
        try
        {
            var primaries = await RedisPrimaries.ListAsync(redis);
            var sizes = await Task.WhenAll(primaries.Select(p => p.Server.DatabaseSizeAsync()));
            Interlocked.Exchange(ref _keys, sizes.Sum());
        }
        catch (Exception ex) when (ex is RedisException or StorageUnavailableException)
        {
            // The gauge keeps its last value; /health reports the servers. (RedisPrimaries throws
            // StorageUnavailableException when no node answers or a slot has no primary.)
        }
    }

    public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            long deleted = 0;
            await foreach (var keys in ScanEveryPrimaryAsync(prefix, cancellationToken))
            {
                // One DEL per key: a multi-key DEL must stay within one slot on a cluster.
                var removed = await Task.WhenAll(keys.Select(k => Db.KeyDeleteAsync(k)));
                deleted += removed.Count(r => r);
                await ConfirmReplicatedAsync(keys.Take(1)); // Any key of the batch names its primary.
            }
            return deleted;
        });

    /// <summary>
    /// Every SCAN batch of keys with the prefix, primary after primary, until the last or until
    /// cancelled. For callers that run whole inside <see cref="Guarded{T}"/>.
    /// </summary>
    private async IAsyncEnumerable<RedisKey[]> ScanEveryPrimaryAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var primary in await RedisPrimaries.ListAsync(redis))
        {
            var cursor = 0L;
            do
            {
                (cursor, var keys) = await ScanAsync(primary.Server, prefix, cursor, ScanBatch);
                yield return keys;
            }
            while (cursor != 0 && !cancellationToken.IsCancellationRequested);
        }
    }

    /// <summary>
    /// Pages in key order, as on SQLite, with the same cursor: the last key returned. A page is the
    /// <paramref name="limit"/> smallest live keys after the cursor, found by a SCAN of every primary
    /// that keeps only the best candidates (memory bounded by the page, not the data). Because a page
    /// depends only on which keys exist, never on where a SCAN stopped, a key that exists for the
    /// whole listing is returned exactly once, whatever expires or appears between pages, whatever
    /// limit each page asks, and whatever moves between primaries (a failover, a resharding); SCAN's
    /// own repeats are removed. The price: each page reads every key with the prefix once.
    /// </summary>
    public Task<KeyPage> ListAsync(string prefix, string? cursor, int limit, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            var best = new SortedSet<string>(StringComparer.Ordinal); // Up to limit + 1: the extra one says there is more.
            await foreach (var batch in ScanEveryPrimaryAsync(prefix, cancellationToken))
            {
                var candidates = batch.Where(k =>
                {
                    var key = ((string)k!)[Namespace.Length..];
                    return (cursor is null || string.CompareOrdinal(key, cursor) > 0)
                           && (best.Count <= limit || string.CompareOrdinal(key, best.Max) < 0);
                }).ToArray();
                foreach (var key in await LiveKeysAsync(candidates))
                {
                    if (best.Add(key) && best.Count > limit + 1)
                    {
                        best.Remove(best.Max!);
                    }
                }
            }
            if (best.Count <= limit)
            {
                return new KeyPage([.. best], null);
            }
            best.Remove(best.Max!);
            return new KeyPage([.. best], best.Max);
        });

    public Task<long> CountAsync(string prefix, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            long count = 0;
            await foreach (var keys in ScanEveryPrimaryAsync(prefix, cancellationToken))
            {
                count += (await LiveKeysAsync(keys)).Count;
            }
            return count;
        });

    public async IAsyncEnumerable<StoredEntry> ScanAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var primary in await Guarded(() => RedisPrimaries.ListAsync(redis)))
        {
            var cursor = 0L;
            do
            {
                (cursor, var entries) = await Guarded(() => ReadScanPageAsync(primary.Server, prefix, cursor));
                foreach (var entry in entries)
                {
                    yield return entry;
                }
            }
            while (cursor != 0 && !cancellationToken.IsCancellationRequested);
        }
    }

    /// <summary>One SCAN step on one primary and the live entries it found.</summary>
    private async Task<(long Next, List<StoredEntry> Entries)> ReadScanPageAsync(IServer server, string prefix, long cursor)
    {
        var (next, keys) = await ScanAsync(server, prefix, cursor, ScanBatch);
        var reads = keys.Select(k => Db.HashGetAsync(k, ["val", "ver", "exp"])).ToArray();
        var entries = new List<StoredEntry>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            if (ToEntry(((string)keys[i]!)[Namespace.Length..], await reads[i]) is { } entry)
            {
                entries.Add(entry);
            }
        }
        return (next, entries);
    }

    private static async Task<(long Next, RedisKey[] Keys)> ScanAsync(IServer server, string prefix, long cursor, int count)
    {
        // Keys use no glob metacharacters (see KeyRules), so the prefix needs no escaping.
        var reply = (RedisResult[])(await server.ExecuteAsync("SCAN", cursor, "MATCH", Namespace + prefix + "*", "COUNT", count))!;
        var keys = (RedisKey[])reply[1]!;
        Array.Sort(keys, (a, b) => string.CompareOrdinal(a, b));
        return (long.Parse((string)reply[0]!, CultureInfo.InvariantCulture), keys);
    }

    /// <summary>The keys the server still has (a SCAN may name a key that has expired since): the server's clock decides.</summary>
    private async Task<List<string>> LiveKeysAsync(RedisKey[] keys)
    {
        var versions = keys.Select(k => Db.HashGetAsync(k, "ver")).ToArray();
        var live = new List<string>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            if (!(await versions[i]).IsNull)
            {
                live.Add(((string)keys[i]!)[Namespace.Length..]);
            }
        }
        return live;
    }
}
