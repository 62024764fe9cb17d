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
/// So the read goes to the slot's primary with redirects refused, as the writes do
/// (RedisKeyValueStorage.Writes.cs), and is answered only once a replica barrier sent after it on the
/// same connection is confirmed (<see cref="RedisReadBarrier"/>, shared by the reads in flight).
/// Fewer replicas in time: 503, and the read may be tried again. Without replica acknowledgements a
/// read is a plain HMGET.
/// </summary>
public sealed partial class RedisKeyValueStorage
{
    /// <summary>A key in each hash slot for the read barrier's write, outside the store's namespace so no listing sees it; built on first use.</summary>
    private string[]? _barrierKeys;

    private readonly RedisReadBarrier _readBarrier = new(options.Value.ReplicaAcknowledgements, ReplicaWaitMs, OnThisPrimary);

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
            var replicated = _readBarrier.AfterAsync(server, BarrierKey(redisKey));
            var (fields, failure, _) = await OutcomeOf(read);
            if (failure is RedisServerException refused && IsRetryable(refused) && round == 0)
            {
                continue; // The slot moved; the client's map now names its primary.
            }
            if (failure is not null)
            {
                throw new StorageUnavailableException("The Redis-protocol server did not answer.", failure);
            }
            if (!await ConfirmedInTimeAsync(replicated))
            {
                throw new StorageUnavailableException(string.Create(CultureInfo.InvariantCulture,
                    $"The primary has the value, but not yet {_replicaAcknowledgements} replica(s) within {ReplicaWaitMs} ms; a failover could undo it, so it is not served. Read again."));
            }
            return ToEntry(key, (RedisValue[])fields!);
        }
    }

    /// <summary>
    /// Whether the read's barrier was confirmed, waiting at most twice the replica wait: its own barrier
    /// plus the one in flight before it. A primary that stops answering holds its barrier for the
    /// client's timeout, and the read answers 503 well before that.
    /// </summary>
    private static async Task<bool> ConfirmedInTimeAsync(Task<bool> replicated)
    {
        try
        {
            return await replicated.WaitAsync(TimeSpan.FromMilliseconds(2 * ReplicaWaitMs));
        }
        catch (TimeoutException)
        {
            return false;
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
