using System.Globalization;
using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// How a single-key read answers with replica acknowledgements set: only with what a failover cannot
/// undo. A primary serves writes it has applied but its replicas may not have yet (a write whose WAIT
/// fell short, answered 503, is still on the primary); were a read to return such a write and a
/// replica that missed it then be promoted, a later read would see the older value again, and reads
/// would not be linearizable.
///
/// So the read is a barrier, pipelined on the slot primary's one connection with redirects refused,
/// as the writes are (RedisKeyValueStorage.Writes.cs): the read; a write to the slot's barrier key;
/// a WAIT. Redis commands on one connection run in order and a WAIT waits for everything its
/// connection wrote, so the barrier write makes the WAIT cover everything the primary had applied when
/// it served the read, whichever connection wrote it. Fewer replicas in time: 503, and the read may be
/// tried again. A read costs one replicated write of a few bytes; without replica acknowledgements a
/// read is a plain HMGET.
/// </summary>
public sealed partial class RedisKeyValueStorage
{
    /// <summary>How long the barrier key outlives its last read (it only has to exist while its WAIT runs).</summary>
    private const string BarrierLifetimeMs = "60000";

    /// <summary>A key in each hash slot for the read barrier's write, outside the store's namespace so no listing sees it; built on first use.</summary>
    private string[]? _barrierKeys;

    private async Task<StoredEntry?> ReadReplicatedAsync(string key)
    {
        RedisKey redisKey = Namespace + key;
        for (var round = 0; ; round++)
        {
            if (PrimaryFor(redisKey, out var server) is { } unreachable)
            {
                throw new StorageUnavailableException("The Redis-protocol server did not answer.", unreachable);
            }
            var read = Started(() => server.ExecuteAsync("HMGET", [redisKey, "val", "ver", "exp"], OnThisPrimary));
            var barrier = Started(() => server.ExecuteAsync("SET", [BarrierKey(redisKey), "1", "PX", BarrierLifetimeMs], OnThisPrimary));
            var wait = Started(() => server.ExecuteAsync("WAIT", [_replicaAcknowledgements, ReplicaWaitMs], OnThisPrimary));
            var (fields, failure, _) = await OutcomeOf(read);
            await OutcomeOf(barrier);
            var confirmed = await OutcomeOf(wait);
            if (failure is RedisServerException refused && IsRetryable(refused) && round == 0)
            {
                continue; // The slot moved; the client's map now names its primary.
            }
            if (failure is not null)
            {
                throw new StorageUnavailableException("The Redis-protocol server did not answer.", failure);
            }
            if (confirmed.Failure is not null || (long)confirmed.Reply! < _replicaAcknowledgements)
            {
                throw new StorageUnavailableException(string.Create(CultureInfo.InvariantCulture,
                    $"The primary has the value, but not yet {_replicaAcknowledgements} replica(s) within {ReplicaWaitMs} ms; a failover could undo it, so it is not served. Read again."));
            }
            return ToEntry(key, (RedisValue[])fields!);
        }
    }

    /// <summary>The barrier key in <paramref name="key"/>'s hash slot, so the barrier write lands on the primary that served the read (any key on a single server).</summary>
    private string BarrierKey(RedisKey key)
    {
        var slot = redis.HashSlot(key);
        return slot < 0 ? "kv-barrier:{0}" : (_barrierKeys ??= BarrierKeys())[slot];
    }

    /// <summary>One name per cluster slot, "kv-barrier:{n}" (the braces make n alone choose the slot); about 170,000 tries cover all 16,384 slots.</summary>
    private string[] BarrierKeys()
    {
        var keys = new string[16384];
        var missing = keys.Length;
        for (var n = 0; missing > 0; n++)
        {
            var name = "kv-barrier:{" + n.ToString(CultureInfo.InvariantCulture) + "}";
            var slot = redis.HashSlot(name);
            if (keys[slot] is null)
            {
                keys[slot] = name;
                missing--;
            }
        }
        return keys;
    }
}
