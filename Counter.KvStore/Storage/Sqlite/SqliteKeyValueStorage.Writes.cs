namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// Writes: each is a function the <see cref="GroupCommitWriter"/> applies on its one thread inside
/// the batch's transaction, so reading the current entry and writing the new one is atomic without
/// locks. The compare-and-set rules live in <see cref="ApplyPut"/>.
/// </summary>
public sealed partial class SqliteKeyValueStorage
{
    public Task<WriteResult> PutAsync(string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        _writer.EnqueueAsync(batch => ApplyPut(batch, key, value, condition, timeToLive), key.Length + value.Length, cancellationToken);

    public Task PutManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken) =>
        _writer.EnqueueAsync(batch =>
        {
            foreach (var (key, value) in entries)
            {
                ApplyPut(batch, key, value, WriteCondition.None, timeToLive: null);
            }
            return true;
        }, entries.Sum(entry => (long)entry.Key.Length + entry.Value.Length), cancellationToken);

    public Task<IReadOnlyList<WriteResult>> PutEachAsync(IReadOnlyList<PutRequest> puts, CancellationToken cancellationToken) =>
        _writer.EnqueueAsync<IReadOnlyList<WriteResult>>(batch =>
        {
            var results = new WriteResult[puts.Count];
            for (var i = 0; i < puts.Count; i++)
            {
                results[i] = ApplyPut(batch, puts[i].Key, puts[i].Value, puts[i].Condition, puts[i].TimeToLive);
            }
            return results;
        }, puts.Sum(put => (long)put.Key.Length + put.Value.Length), cancellationToken);

    public Task<DeleteResult> DeleteAsync(string key, WriteCondition condition, CancellationToken cancellationToken) =>
        _writer.EnqueueAsync(batch =>
        {
            var current = _commands.Find(key);
            var live = current is not null && IsLive(current, LiveMs());
            if (!live)
            {
                // HTTP semantics: If-Match against nothing fails the precondition.
                return new DeleteResult(condition.IfMatch is null ? DeleteOutcome.NotFound : DeleteOutcome.PreconditionFailed, null);
            }
            if (condition.IfMatch is { } expected && current!.Version != expected)
            {
                return new DeleteResult(DeleteOutcome.PreconditionFailed, null);
            }
            _commands.Delete(key);
            batch.Keys--;
            batch.Bytes -= current!.Value.Length;
            return new DeleteResult(DeleteOutcome.Deleted, current);
        }, cancellationToken);

    public Task<long?> TouchAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        _writer.EnqueueAsync(batch =>
        {
            var current = _commands.Find(key);
            if (current is null || !IsLive(current, LiveMs()))
            {
                return (long?)null;
            }
            _commands.SetExpiry(key, ExpiryFor(batch.Now, timeToLive));
            return current.Version;
        }, cancellationToken);

    public async Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        const int Chunk = 1000;
        long total = 0;
        long removed;
        do
        {
            // One chunk per writer turn, so other writes interleave with a large clear.
            removed = await _writer.EnqueueAsync(batch =>
            {
                var (count, bytes) = _commands.DeleteRange(prefix, prefix + PrefixUpperBound, Chunk);
                batch.Keys -= count;
                batch.Bytes -= bytes;
                return count;
            }, cancellationToken);
            total += removed;
        }
        while (removed == Chunk && !cancellationToken.IsCancellationRequested);
        return total;
    }

    /// <summary>
    /// Deletes entries expired by the sweep clock with its margin (<see cref="ExpiryClock"/>), never
    /// by the batch's time: a wall clock stepped ahead must not delete what is still live. Records
    /// the sweep clock for the next run, and says once when the wall clock has stepped.
    /// </summary>
    public Task<int> SweepExpiredAsync(int limit, CancellationToken cancellationToken) =>
        _writer.EnqueueAsync(batch =>
        {
            var sweepClock = _clock.SweepClockMs();
            var (count, bytes) = _commands.DeleteExpired(ExpiryClock.DeleteThroughMs(sweepClock), limit);
            _commands.SaveSweepClock(sweepClock);
            batch.Keys -= count;
            batch.Bytes -= bytes;
            NoteClockStep();
            return (int)count;
        }, cancellationToken);

    /// <summary>Logs when the wall clock starts or stops disagreeing with the anchored clock by more than the sweep margin; writer thread only.</summary>
    private void NoteClockStep()
    {
        var ahead = _clock.WallAheadMs();
        var stepped = Math.Abs(ahead) > ExpiryClock.SweepMargin.TotalMilliseconds;
        if (stepped != _clockStepped)
        {
            _clockStepped = stepped;
            if (stepped)
            {
                LogClockStepped(_logger, ahead / 1000);
            }
            else
            {
                LogClockAgrees(_logger);
            }
        }
    }

    private WriteResult ApplyPut(WriteBatch batch, string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive)
    {
        var current = _commands.Find(key);
        var live = current is not null && IsLive(current, LiveMs());
        if ((condition.IfNoneMatch && live) || (condition.IfMatch is { } expected && (!live || current!.Version != expected)))
        {
            return live ? new WriteResult(WriteOutcome.PreconditionFailed, current!.Version, current.Value) : new WriteResult(WriteOutcome.PreconditionFailed, 0);
        }
        var version = ++_version;
        _commands.Upsert(key, value, version, ExpiryFor(batch.Now, timeToLive));
        batch.VersionWritten = version;
        if (current is null)
        {
            batch.Keys++;
        }
        batch.Bytes += value.Length - (current?.Value.Length ?? 0);
        return new WriteResult(live ? WriteOutcome.Replaced : WriteOutcome.Created, version);
    }
}
