using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// How writes reach the server: each is one single-key script (see <see cref="RedisScripts"/>) with
/// its own outcome, so one dead shard fails only the writes for its slots.
///
/// Without replica acknowledgements the client routes each script by slot (following MOVED).
/// With <see cref="RedisStorageOptions.ReplicaAcknowledgements"/> set, the scripts for one primary and a
/// WAIT go to that server, pipelined on its one connection, with redirects refused: a script that
/// ran there ran on the slot's primary at that moment (a node that is not answers MOVED), and the
/// WAIT that follows counts the replicas that have everything that connection wrote, the script
/// included. A write whose WAIT falls short or fails is not acknowledged (503): it may live only on
/// a primary that a failover is about to demote. A MOVED (the slot moved; the client's map is then
/// updated) or a server that does not know the script gets one more round on the current primary.
/// </summary>
public sealed partial class RedisKeyValueStorage
{
    /// <summary>How long a write waits for its replicas before the store answers 503 (inside web's 1 s per call).</summary>
    private const int ReplicaWaitMs = 500;

    private const CommandFlags OnThisPrimary = CommandFlags.DemandMaster | CommandFlags.NoRedirect;

    // EVALSHA names a script by its SHA-1 (Redis's choice, not a security measure).
#pragma warning disable CA5350
    private static readonly Dictionary<string, string> ScriptHashes = new[] { RedisScripts.Put, RedisScripts.Delete, RedisScripts.Touch }
        .ToDictionary(s => s, s => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(s))));
#pragma warning restore CA5350

    /// <summary>One single-key script to run.</summary>
    private readonly record struct ScriptCall(string Script, RedisKey Key, RedisValue[] Arguments);

    /// <summary>
    /// What a script did: its reply, or the failure that kept it from running (or from being known to
    /// have run). <see cref="Unconfirmed"/>: it ran, but too few replicas confirmed what it wrote.
    /// </summary>
    private readonly record struct ScriptOutcome(RedisResult? Reply, Exception? Failure, bool Unconfirmed = false)
    {
        /// <summary>It failed before the client wrote it to a server (no connected primary, or still queued when the connection failed): certainly not applied.</summary>
        public bool NeverSent => Failure is RedisConnectionException { CommandStatus: CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog }
            or RedisTimeoutException { Commandstatus: CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog };
    }

    /// <summary>Runs each call and returns each one's own outcome, in order; never throws for one call's failure.</summary>
    private async Task<ScriptOutcome[]> RunScriptsAsync(IReadOnlyList<ScriptCall> calls)
    {
        var outcomes = new ScriptOutcome[calls.Count];
        if (_replicaAcknowledgements == 0)
        {
            var replies = calls.Select(c => PrimaryFor(c.Key) is { } failure
                ? Task.FromException<RedisResult>(failure)
                : Started(() => Db.ScriptEvaluateAsync(c.Script, [c.Key], c.Arguments))).ToArray();
            for (var i = 0; i < replies.Length; i++)
            {
                outcomes[i] = await OutcomeOf(replies[i]);
            }
            return outcomes;
        }

        List<int> pending = [.. Enumerable.Range(0, calls.Count)];
        for (var round = 0; round < 2 && pending.Count > 0; round++)
        {
            var again = new List<int>();
            foreach (var (server, indexes) in GroupByPrimary(calls, pending, outcomes))
            {
                // Pipelined on one connection, in this order: the scripts, then the WAIT that covers them.
                var replies = indexes.Select(i => Started(() => server.ExecuteAsync(round == 0 ? "EVALSHA" : "EVAL",
                    [round == 0 ? ScriptHashes[calls[i].Script] : calls[i].Script, 1, calls[i].Key, .. calls[i].Arguments.Cast<object>()], OnThisPrimary))).ToArray();
                var wait = Started(() => server.ExecuteAsync("WAIT", [_replicaAcknowledgements, ReplicaWaitMs], OnThisPrimary));
                var confirmed = await OutcomeOf(wait);
                var replicated = confirmed.Failure is null && (long)confirmed.Reply! >= _replicaAcknowledgements;
                for (var j = 0; j < replies.Length; j++)
                {
                    var outcome = await OutcomeOf(replies[j]);
                    if (round == 0 && outcome.Failure is RedisServerException refused && IsRetryable(refused))
                    {
                        again.Add(indexes[j]);
                        continue;
                    }
                    outcomes[indexes[j]] = outcome.Failure is null && !replicated ? outcome with { Unconfirmed = true } : outcome;
                }
            }
            pending = again;
        }
        return outcomes;
    }

    /// <summary>The pending calls by the primary the client's slot map names; a call whose slot has none fails at once.</summary>
    private List<(IServer Server, List<int> Indexes)> GroupByPrimary(IReadOnlyList<ScriptCall> calls, List<int> pending, ScriptOutcome[] outcomes)
    {
        var groups = new Dictionary<System.Net.EndPoint, (IServer Server, List<int> Indexes)>();
        foreach (var i in pending)
        {
            if (PrimaryFor(calls[i].Key, out var server) is { } failure)
            {
                outcomes[i] = new ScriptOutcome(null, failure);
                continue;
            }
            if (!groups.TryGetValue(server.EndPoint, out var group))
            {
                groups[server.EndPoint] = group = (server, []);
            }
            group.Indexes.Add(i);
        }
        return [.. groups.Values];
    }

    /// <summary>
    /// The primary the client's slot map names for the key, or why there is none to write to now: no
    /// node for the slot, or one that is not connected. Such a write fails at once instead of waiting
    /// for a reconnect attempt, so that the other writes of its batch (other users' saves, on healthy
    /// shards) are answered within web's time limit.
    /// </summary>
    private RedisConnectionException? PrimaryFor(RedisKey key, out IServer server)
    {
        try
        {
            server = redis.GetServer(key, flags: CommandFlags.DemandMaster);
        }
        catch (Exception ex) when (ex is RedisException or InvalidOperationException)
        {
            // The client throws InvalidOperationException when no connected server owns the slot.
            server = null!;
            return NotSent("No connected primary owns this key's hash slot.", ex);
        }
        return server.IsConnected ? null : NotSent("The primary for this key's hash slot is not connected.", null);
    }

    private RedisConnectionException? PrimaryFor(RedisKey key) => PrimaryFor(key, out _);

    /// <summary>A command that was never sent, as the client reports one: see <see cref="ScriptOutcome.NeverSent"/>.</summary>
    private static RedisConnectionException NotSent(string message, Exception? cause) =>
        new(ConnectionFailureType.UnableToConnect, CommandFlags.None, message, cause, CommandStatus.WaitingToBeSent);

    /// <summary>The slot moved (MOVED), or the server does not have the script yet (a promoted replica: NOSCRIPT).</summary>
    private static bool IsRetryable(RedisServerException refused) =>
        refused.Message.Contains("MOVED", StringComparison.Ordinal) || refused.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal);

    /// <summary>A command's reply task; a client that refuses to send it at once (no connection) gives a failed task, not an exception.</summary>
    private static Task<RedisResult> Started(Func<Task<RedisResult>> send)
    {
        try
        {
            return send();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Task.FromException<RedisResult>(ex);
        }
    }

    private static async Task<ScriptOutcome> OutcomeOf(Task<RedisResult> reply)
    {
        try
        {
            return new ScriptOutcome(await reply, null);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new ScriptOutcome(null, ex);
        }
    }

    /// <summary>A failed or unconfirmed write as the engines' common failure (503; names no key).</summary>
    private StorageUnavailableException Unavailable(ScriptOutcome outcome) => outcome.Failure is { } failure
        ? new StorageUnavailableException(outcome.NeverSent
            ? "The Redis-protocol server for this key could not be reached; the write was not applied."
            : "The Redis-protocol server did not answer; the operation may not have been applied.", failure)
        : new StorageUnavailableException(string.Create(CultureInfo.InvariantCulture,
            $"The write reached the primary but not {_replicaAcknowledgements} replica(s) within {ReplicaWaitMs} ms; it may not survive a failover."));

    private static ScriptCall PutCall(PutRequest put, long now) => new(RedisScripts.Put, Namespace + put.Key,
    [
        put.Condition.IfNoneMatch ? "none" : put.Condition.IfMatch is null ? "any" : "match",
        put.Condition.IfMatch?.ToString(CultureInfo.InvariantCulture) ?? "",
        NewVersion().ToString(CultureInfo.InvariantCulture),
        put.Value,
        TimeToLiveMs(put.TimeToLive),
        ShownExpiry(now, put.TimeToLive),
    ]);

    /// <summary>A put's result, or null when it failed or was not confirmed (the caller answers 503).</summary>
    private static WriteResult? ToWriteResult(ScriptOutcome outcome)
    {
        if (outcome.Failure is not null)
        {
            return null;
        }
        var result = (RedisResult[])outcome.Reply!;
        var version = long.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        return (int)result[0] switch
        {
            1 when !outcome.Unconfirmed => new WriteResult(WriteOutcome.Created, version),
            2 when !outcome.Unconfirmed => new WriteResult(WriteOutcome.Replaced, version),
            1 or 2 => null,
            _ => new WriteResult(WriteOutcome.PreconditionFailed, version, result.Length > 2 ? (byte[])result[2]! : null),
        };
    }

    public async Task<WriteResult> PutAsync(string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var outcome = (await RunScriptsAsync([PutCall(new PutRequest(key, value, condition, timeToLive), NowMs())]))[0];
        return ToWriteResult(outcome) ?? throw Unavailable(outcome);
    }

    /// <summary>Each put is its own atomic script with its own outcome: a shard that is down fails only its own puts.</summary>
    public async Task<IReadOnlyList<WriteResult>> PutEachAsync(IReadOnlyList<PutRequest> puts, CancellationToken cancellationToken)
    {
        var now = NowMs();
        var outcomes = await RunScriptsAsync([.. puts.Select(p => PutCall(p, now))]);
        return [.. outcomes.Select(o => ToWriteResult(o) ?? WriteResult.Unavailable(Unavailable(o).Message))];
    }

    public async Task<DeleteResult> DeleteAsync(string key, WriteCondition condition, CancellationToken cancellationToken)
    {
        var outcome = (await RunScriptsAsync([new ScriptCall(RedisScripts.Delete, Namespace + key,
            [condition.IfMatch?.ToString(CultureInfo.InvariantCulture) ?? ""])]))[0];
        if (outcome.Failure is not null)
        {
            throw Unavailable(outcome);
        }
        var result = (RedisResult[])outcome.Reply!;
        return (int)result[0] switch
        {
            1 when outcome.Unconfirmed => throw Unavailable(outcome),
            1 => new DeleteResult(DeleteOutcome.Deleted, new StoredEntry(key, (byte[])result[1]!, 0, null)),
            0 => new DeleteResult(DeleteOutcome.NotFound, null),
            _ => new DeleteResult(DeleteOutcome.PreconditionFailed, null),
        };
    }

    public async Task<long?> TouchAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken)
    {
        var outcome = (await RunScriptsAsync([new ScriptCall(RedisScripts.Touch, Namespace + key, [TimeToLiveMs(timeToLive), ShownExpiry(NowMs(), timeToLive)])]))[0];
        if (outcome.Failure is not null || (outcome.Unconfirmed && !outcome.Reply!.IsNull))
        {
            throw Unavailable(outcome);
        }
        return outcome.Reply!.IsNull ? null : long.Parse((string)outcome.Reply!, CultureInfo.InvariantCulture);
    }
}
