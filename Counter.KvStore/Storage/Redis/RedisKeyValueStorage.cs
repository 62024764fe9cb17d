using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// The scale-out engine: data in a Redis-protocol server (Redis, Valkey, Microsoft Garnet) through
/// StackExchange.Redis, so store processes hold no state and can be replicated. Compare-and-set,
/// create-only, conditional delete and touch are single-key Lua scripts (atomic on the server);
/// listing and dumps use SCAN, a page at a time. Durability is the server's (AOF / fsync policy).
/// See <see cref="RedisScripts"/> for the stored format.
/// </summary>
public sealed class RedisKeyValueStorage(IConnectionMultiplexer redis, TimeProvider time) : IKeyValueStorage
{
    public const string Namespace = "kv:";
    private const int ScanBatch = 500;

    private IDatabase Db => redis.GetDatabase();

    private long _keys;
    private long _lastRefresh;

    /// <summary>
    /// Keys on the server (server-wide: a shared server counts others' keys too); bytes are not
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
            if (redis.GetServers().FirstOrDefault(s => s.IsConnected) is { } server)
            {
                Interlocked.Exchange(ref _keys, await server.DatabaseSizeAsync());
            }
        }
        catch (RedisException)
        {
            // The gauge keeps its last value; /health reports the server.
        }
    }

    public Task<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken) =>
        Guarded(() => GetCoreAsync(key, cancellationToken));

    private async Task<StoredEntry?> GetCoreAsync(string key, CancellationToken cancellationToken)
    {
        var fields = await Db.HashGetAsync(Namespace + key, ["val", "ver", "exp"]);
        return ToEntry(key, fields, NowMs());
    }

    public Task<WriteResult> PutAsync(string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        Guarded(() => PutCoreAsync(key, value, condition, timeToLive, cancellationToken));

    private async Task<WriteResult> PutCoreAsync(string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var now = NowMs();
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisScripts.Put, [Namespace + key],
        [
            now,
            condition.IfNoneMatch ? "none" : condition.IfMatch is null ? "any" : "match",
            condition.IfMatch?.ToString(CultureInfo.InvariantCulture) ?? "",
            NewVersion().ToString(CultureInfo.InvariantCulture),
            value,
            Expiry(now, timeToLive),
        ]))!;
        var outcome = (int)result[0];
        var version = long.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        return outcome switch
        {
            1 => new WriteResult(WriteOutcome.Created, version),
            2 => new WriteResult(WriteOutcome.Replaced, version),
            _ => new WriteResult(WriteOutcome.PreconditionFailed, version, result.Length > 2 ? (byte[])result[2]! : null),
        };
    }

    /// <summary>Each put is its own atomic script; StackExchange.Redis pipelines them on one connection.</summary>
    public async Task<IReadOnlyList<WriteResult>> PutEachAsync(IReadOnlyList<PutRequest> puts, CancellationToken cancellationToken) =>
        await Task.WhenAll(puts.Select(p => PutAsync(p.Key, p.Value, p.Condition, p.TimeToLive, cancellationToken)));

    public Task PutManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            await PutManyCoreAsync(entries, cancellationToken);
            return true;
        });

    private async Task PutManyCoreAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken)
    {
        // One MULTI/EXEC: all or nothing on one server (on a cluster, keys must share a slot).
        var transaction = Db.CreateTransaction();
        var pending = new List<Task>(entries.Count * 2);
        foreach (var (key, value) in entries)
        {
            var redisKey = (RedisKey)(Namespace + key);
            pending.Add(transaction.HashSetAsync(redisKey, [new("val", value), new("ver", NewVersion()), new("exp", "0")]));
            pending.Add(transaction.KeyPersistAsync(redisKey));
        }
        if (!await transaction.ExecuteAsync())
        {
            throw new StorageUnavailableException("The Redis transaction was not applied.");
        }
        await Task.WhenAll(pending);
    }

    public Task<DeleteResult> DeleteAsync(string key, WriteCondition condition, CancellationToken cancellationToken) =>
        Guarded(() => DeleteCoreAsync(key, condition, cancellationToken));

    private async Task<DeleteResult> DeleteCoreAsync(string key, WriteCondition condition, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await Db.ScriptEvaluateAsync(RedisScripts.Delete, [Namespace + key],
            [NowMs(), condition.IfMatch?.ToString(CultureInfo.InvariantCulture) ?? ""]))!;
        return (int)result[0] switch
        {
            1 => new DeleteResult(DeleteOutcome.Deleted, new StoredEntry(key, (byte[])result[1]!, 0, null)),
            0 => new DeleteResult(DeleteOutcome.NotFound, null),
            _ => new DeleteResult(DeleteOutcome.PreconditionFailed, null),
        };
    }

    public Task<long?> TouchAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        Guarded(() => TouchCoreAsync(key, timeToLive, cancellationToken));

    private async Task<long?> TouchCoreAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var now = NowMs();
        var result = await Db.ScriptEvaluateAsync(RedisScripts.Touch, [Namespace + key], [now, Expiry(now, timeToLive)]);
        return result.IsNull ? null : long.Parse((string)result!, CultureInfo.InvariantCulture);
    }

    public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken) =>
        Guarded(() => DeletePrefixCoreAsync(prefix, cancellationToken));

    private async Task<long> DeletePrefixCoreAsync(string prefix, CancellationToken cancellationToken)
    {
        long deleted = 0;
        var cursor = 0L;
        do
        {
            (cursor, var keys) = await ScanAsync(prefix, cursor, ScanBatch);
            if (keys.Length > 0)
            {
                deleted += await Db.KeyDeleteAsync(keys);
            }
        }
        while (cursor != 0 && !cancellationToken.IsCancellationRequested);
        return deleted;
    }

    /// <summary>Cursor format: "&lt;SCAN cursor&gt;:&lt;keys of that SCAN batch already returned&gt;".</summary>
    public Task<KeyPage> ListAsync(string prefix, string? cursor, int limit, CancellationToken cancellationToken) =>
        Guarded(() => ListCoreAsync(prefix, cursor, limit, cancellationToken));

    private async Task<KeyPage> ListCoreAsync(string prefix, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var (position, skip) = ParseCursor(cursor);
        var now = NowMs();
        var page = new List<string>(limit);
        while (true)
        {
            var (next, batch) = await ScanAsync(prefix, position, Math.Max(limit, 100));
            var live = await LiveKeysAsync(batch, now);
            for (var i = skip; i < live.Count; i++)
            {
                if (page.Count == limit)
                {
                    // Stop mid-batch: the next page re-runs this SCAN step and skips what was returned.
                    page.Sort(StringComparer.Ordinal);
                    return new KeyPage(page, string.Create(CultureInfo.InvariantCulture, $"{position}:{i}"));
                }
                page.Add(live[i]);
            }
            skip = 0;
            position = next;
            if (position == 0)
            {
                page.Sort(StringComparer.Ordinal);
                return new KeyPage(page, null);
            }
            if (page.Count == limit)
            {
                page.Sort(StringComparer.Ordinal);
                return new KeyPage(page, string.Create(CultureInfo.InvariantCulture, $"{position}:0"));
            }
        }
    }

    public Task<long> CountAsync(string prefix, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            long count = 0, cursor = 0;
            do
            {
                (cursor, var keys) = await ScanAsync(prefix, cursor, ScanBatch);
                count += (await LiveKeysAsync(keys, NowMs())).Count;
            }
            while (cursor != 0 && !cancellationToken.IsCancellationRequested);
            return count;
        });

    public async IAsyncEnumerable<StoredEntry> ScanAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var cursor = 0L;
        do
        {
            (cursor, var entries) = await Guarded(() => ReadScanPageAsync(prefix, cursor));
            foreach (var entry in entries)
            {
                yield return entry;
            }
        }
        while (cursor != 0 && !cancellationToken.IsCancellationRequested);
    }

    /// <summary>One SCAN step and the live entries it found.</summary>
    private async Task<(long Next, List<StoredEntry> Entries)> ReadScanPageAsync(string prefix, long cursor)
    {
        var (next, keys) = await ScanAsync(prefix, cursor, ScanBatch);
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

    /// <summary>
    /// Runs one operation, turning the client's failures (connection lost, timeout, a server error
    /// such as a cluster refusing a command) into <see cref="StorageUnavailableException"/>, the
    /// engines' common failure: the API answers 503 and names no engine.
    /// </summary>
    private static async Task<T> Guarded<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            throw new StorageUnavailableException("The Redis-protocol server did not answer; the operation may not have been applied.", ex);
        }
    }

    /// <summary>The server expires keys itself (PEXPIREAT); nothing to sweep.</summary>
    public Task<int> SweepExpiredAsync(int limit, CancellationToken cancellationToken) => Task.FromResult(0);

    private async Task<(long Next, RedisKey[] Keys)> ScanAsync(string prefix, long cursor, int count)
    {
        // Keys use no glob metacharacters (see KeyRules), so the prefix needs no escaping.
        var reply = (RedisResult[])(await Db.ExecuteAsync("SCAN", cursor, "MATCH", Namespace + prefix + "*", "COUNT", count))!;
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

    private static StoredEntry? ToEntry(string key, RedisValue[] fields, long now)
    {
        if (fields[0].IsNull || fields[1].IsNull)
        {
            return null;
        }
        var expiry = fields[2].IsNull ? 0 : (long)fields[2];
        if (expiry != 0 && expiry <= now)
        {
            return null;
        }
        return new StoredEntry(key, (byte[])fields[0]!, (long)fields[1], expiry == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(expiry));
    }

    private static (long Position, int Skip) ParseCursor(string? cursor)
    {
        if (cursor is null)
        {
            return (0, 0);
        }
        var parts = cursor.Split(':');
        if (parts.Length != 2
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var skip))
        {
            throw new InvalidCursorException();
        }
        return (position, skip);
    }

    private static long NewVersion() => RandomNumberGenerator.GetInt32(1, int.MaxValue) * (long)int.MaxValue + RandomNumberGenerator.GetInt32(int.MaxValue);

    private static string Expiry(long now, TimeSpan? timeToLive) =>
        timeToLive is { } ttl ? (now + (long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "0";

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
