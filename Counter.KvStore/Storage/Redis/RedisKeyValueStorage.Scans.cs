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
    /// Cursor: "&lt;primary&gt;:&lt;SCAN cursor&gt;:&lt;keys of that SCAN batch already returned&gt;", the primary
    /// named as in <see cref="RedisPrimaries"/>. Pages go primary by primary, each page sorted.
    /// </summary>
    public Task<KeyPage> ListAsync(string prefix, string? cursor, int limit, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            var (primaryName, position, skip) = ParseCursor(cursor);
            var primaries = await RedisPrimaries.ListAsync(redis);
            var now = NowMs();
            var page = new List<string>(limit);
            foreach (var primary in primaries.Where(p => p.Name >= primaryName))
            {
                if (primary.Name != primaryName)
                {
                    (position, skip) = (0, 0);
                }
                while (true)
                {
                    var (next, batch) = await ScanAsync(primary.Server, prefix, position, Math.Max(limit, 100));
                    var live = await LiveKeysAsync(batch, now);
                    for (var i = skip; i < live.Count; i++)
                    {
                        if (page.Count == limit)
                        {
                            // Stop mid-batch: the next page re-runs this SCAN step and skips what was returned.
                            return Page(page, Cursor(primary.Name, position, i));
                        }
                        page.Add(live[i]);
                    }
                    (position, skip) = (next, 0);
                    if (position == 0)
                    {
                        break;
                    }
                    if (page.Count == limit)
                    {
                        return Page(page, Cursor(primary.Name, position, 0));
                    }
                }
                if (page.Count == limit && primaries.Any(p => p.Name > primary.Name))
                {
                    return Page(page, Cursor(primaries.First(p => p.Name > primary.Name).Name, 0, 0));
                }
            }
            return Page(page, null);
        });

    private static KeyPage Page(List<string> keys, string? next)
    {
        keys.Sort(StringComparer.Ordinal);
        return new KeyPage(keys, next);
    }

    public Task<long> CountAsync(string prefix, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            long count = 0;
            await foreach (var keys in ScanEveryPrimaryAsync(prefix, cancellationToken))
            {
                count += (await LiveKeysAsync(keys, NowMs())).Count;
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
        var now = NowMs();
        var entries = new List<StoredEntry>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            if (ToEntry(((string)keys[i]!)[Namespace.Length..], await reads[i], now) is { } entry)
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

    private async Task<List<string>> LiveKeysAsync(RedisKey[] keys, long now)
    {
        var expiries = keys.Select(k => Db.HashGetAsync(k, "exp")).ToArray();
        var live = new List<string>(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            var expiry = await expiries[i];
            if (!expiry.IsNull && (expiry == "0" || (long)expiry > now))
            {
                live.Add(((string)keys[i]!)[Namespace.Length..]);
            }
        }
        return live;
    }

    private static string Cursor(int primary, long position, int skip) =>
        string.Create(CultureInfo.InvariantCulture, $"{primary}:{position}:{skip}");

    private static (int Primary, long Position, int Skip) ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return (0, 0, 0);
        }
        var parts = cursor.Split(':');
        if (parts.Length != 3
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var primary)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var skip))
        {
            throw new InvalidCursorException();
        }
        return (primary, position, skip);
    }
}
