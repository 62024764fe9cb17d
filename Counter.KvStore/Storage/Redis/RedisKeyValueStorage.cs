using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// The scale-out engine: data in a Redis-protocol server (Redis, Valkey, Microsoft Garnet) through
/// StackExchange.Redis, so store processes hold no state and can be replicated. Compare-and-set,
/// create-only, conditional delete and touch are single-key Lua scripts (atomic on the server);
/// listing, dumps and clear SCAN every primary (see RedisKeyValueStorage.Scans.cs). On a Redis
/// Cluster, single-key commands are routed by slot, and a write is acknowledged only once
/// <see cref="RedisStorageOptions.ReplicaAcknowledgements"/> replicas have it (WAIT), so a failover
/// loses no acknowledged write. Durability on one server is the server's (AOF / fsync policy).
/// See <see cref="RedisScripts"/> for the stored format.
/// </summary>
public sealed partial class RedisKeyValueStorage(IConnectionMultiplexer redis, TimeProvider time, IOptions<RedisStorageOptions> options) : IKeyValueStorage
{
    public const string Namespace = "kv:";

    private readonly int _replicaAcknowledgements = options.Value.ReplicaAcknowledgements;

    private IDatabase Db => redis.GetDatabase();

    public Task<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken) =>
        Guarded(() => GetCoreAsync(key, cancellationToken));

    private async Task<StoredEntry?> GetCoreAsync(string key, CancellationToken cancellationToken) => _replicaAcknowledgements == 0
        ? ToEntry(key, await Db.HashGetAsync(Namespace + key, ["val", "ver", "exp"]))
        : await ReadReplicatedAsync(key);

    /// <summary>
    /// One MULTI/EXEC per hash slot: all or nothing on one server; on a cluster, all or nothing
    /// within each slot (a transaction cannot span slots), the slots applied independently.
    /// </summary>
    public Task PutManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken) =>
        Guarded(async () =>
        {
            IEnumerable<IReadOnlyList<KeyValuePair<string, byte[]>>> groups = RedisPrimaries.IsCluster(redis)
                ? entries.GroupBy(e => redis.HashSlot(Namespace + e.Key)).Select(g => g.ToList())
                : [entries];
            var applied = await Task.WhenAll(groups.Select(g => PutInOneTransactionAsync(g)));
            if (applied.Contains(false))
            {
                throw new StorageUnavailableException("A Redis transaction was not applied; on a cluster, other slots' keys may have been.");
            }
            await ConfirmReplicatedAsync(entries.Select(e => (RedisKey)(Namespace + e.Key)));
            return true;
        });

    /// <summary>
    /// One MULTI/EXEC for the entries of one hash slot. After a failover the client may still route the
    /// slot to its demoted primary, which answers MOVED to each queued command and then refuses EXEC
    /// (EXECABORT, which no longer names the MOVED, so the single-key writes' <c>IsRetryable</c> cannot
    /// tell it). An error answer to EXEC means the server ran none of the transaction, and the MOVED has
    /// taught the client the slot's new primary: the transaction is sent once more (these puts carry no
    /// condition, so that is safe); a second refusal is the caller's 503.
    /// </summary>
    private async Task<bool> PutInOneTransactionAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, bool again = false)
    {
        var transaction = Db.CreateTransaction();
        var pending = new List<Task>(entries.Count * 2);
        foreach (var (key, value) in entries)
        {
            var redisKey = (RedisKey)(Namespace + key);
            pending.Add(transaction.HashSetAsync(redisKey, [new("val", value), new("ver", NewVersion()), new("exp", "0")]));
            pending.Add(transaction.KeyPersistAsync(redisKey));
        }
        bool executed;
        try
        {
            executed = await transaction.ExecuteAsync();
        }
        catch (RedisServerException) when (!again)
        {
            return await PutInOneTransactionAsync(entries, again: true);
        }
        if (!executed)
        {
            return false;
        }
        await Task.WhenAll(pending);
        return true;
    }

    /// <summary>
    /// For the multi-key writes (the original API's bulk set, clear by prefix), which go through the
    /// client's routing: with <see cref="RedisStorageOptions.ReplicaAcknowledgements"/> set, a WAIT on each
    /// primary the slot map names now. Fewer replicas in time: 503. Unlike the single-key writes
    /// (RedisKeyValueStorage.Writes.cs), this cannot prove the WAIT ran where the write did.
    /// </summary>
    private async Task ConfirmReplicatedAsync(IEnumerable<RedisKey> keys)
    {
        if (_replicaAcknowledgements == 0)
        {
            return;
        }
        var primaries = keys.Select(k => redis.GetServer(k, flags: CommandFlags.DemandMaster)).DistinctBy(s => s.EndPoint).ToList();
        var confirmed = await Task.WhenAll(primaries.Select(s => s.ExecuteAsync("WAIT", _replicaAcknowledgements, ReplicaWaitMs)));
        if (confirmed.Any(c => (long)c < _replicaAcknowledgements))
        {
            throw new StorageUnavailableException(string.Create(CultureInfo.InvariantCulture,
                $"The write reached the primary but not {_replicaAcknowledgements} replica(s) within {ReplicaWaitMs} ms; it may not survive a failover."));
        }
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
        // The client throws InvalidOperationException from GetServer when no connected server owns a slot.
        catch (Exception ex) when (ex is RedisException or TimeoutException or InvalidOperationException)
        {
            throw new StorageUnavailableException("The Redis-protocol server did not answer; the operation may not have been applied.", ex);
        }
    }

    /// <summary>The server expires keys itself (PEXPIRE); nothing to sweep.</summary>
    public Task<int> SweepExpiredAsync(int limit, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>
    /// The entry the fields (val, ver, exp) describe, or null when the key is absent. The server never
    /// returns an expired key, so present is live; exp is only shown (see <see cref="RedisScripts"/>).
    /// </summary>
    private static StoredEntry? ToEntry(string key, RedisValue[] fields)
    {
        if (fields[0].IsNull || fields[1].IsNull)
        {
            return null;
        }
        var expiry = fields[2].IsNull ? 0 : (long)fields[2];
        return new StoredEntry(key, (byte[])fields[0]!, (long)fields[1], expiry == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(expiry));
    }

    private static long NewVersion() => RandomNumberGenerator.GetInt32(1, int.MaxValue) * (long)int.MaxValue + RandomNumberGenerator.GetInt32(int.MaxValue);

    /// <summary>The relative TTL the server applies (PEXPIRE), "0" for none: the server's clock decides expiry.</summary>
    private static string TimeToLiveMs(TimeSpan? timeToLive) =>
        timeToLive is { } ttl ? ((long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "0";

    /// <summary>The expiry the dump shows, by this process's clock ("0" for none); never used to decide liveness.</summary>
    private static string ShownExpiry(long now, TimeSpan? timeToLive) =>
        timeToLive is { } ttl ? (now + (long)ttl.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "0";

    private long NowMs() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
