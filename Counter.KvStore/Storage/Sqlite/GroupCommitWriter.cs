using System.Diagnostics;
using System.Threading.Channels;
using Counter.ServiceDefaults.Timing;
using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// The single writer of the embedded engine (group commit). One thread takes every write waiting
/// in the queue, applies them in order inside one transaction and commits once: one fsync covers
/// the whole batch, and because one thread applies them, compare-and-set needs no locks. A write's
/// task completes only after its batch is committed, so an acknowledged write is on disk.
///
/// The write path cannot fail silently:
/// - The queue is bounded by count (<see cref="SqliteStorageOptions.MaxQueuedWrites"/>) and by bytes
///   (<see cref="SqliteStorageOptions.MaxQueuedBytes"/>): when it is full a write fails at once (503)
///   instead of waiting past its caller's patience or filling memory.
/// - A commit that does not finish (a hung disk) shows in <see cref="PendingFor"/>, which /health reads.
/// - A write whose caller gave up (request aborted or timed out) before the writer took it is
///   dropped, never applied.
/// - A commit refused for lack of space or permission fails its batch (rolled back: nothing in it
///   was applied) and marks the writer <see cref="WriterHealth.Refused"/> until a commit succeeds.
/// - An I/O error (a failed write or fsync), a damaged database or an end of the loop stops the writer
///   for good: SQLite may have left the batch's frames in the WAL, so whether those writes survive
///   is for the next start's recovery to decide, and no later write is acknowledged by this process
///   (those are refused as not applied).
/// </summary>
internal sealed partial class GroupCommitWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly WriterCommands _commands;
    private readonly int _maxBatchSize;
    private readonly int _maxQueued;
    private readonly long _maxQueuedBytes;
    private readonly Func<long> _nowMs;
    private readonly ILogger _logger;
    private readonly Channel<Operation> _queue;
    private readonly Task _loop;
    /// <summary>The batch the writer is applying now; only the writer thread touches it.</summary>
    private readonly List<Operation> _inFlight;
    private volatile bool _closed;
    private long _keys;
    private long _bytes;
    /// <summary>Bytes of the writes in the queue: added when a write is queued, removed when the writer takes it.</summary>
    private long _queuedBytes;
    /// <summary>When the oldest write of the batch in flight was queued (a <see cref="Stopwatch"/> timestamp); 0 between batches.</summary>
    private long _inFlightSince;
    private volatile WriterHealth _health = WriterHealth.Healthy;

    public GroupCommitWriter(SqliteConnection connection, WriterCommands commands, int maxBatchSize, int maxQueued, long maxQueuedBytes, long keys, long bytes, Func<long> nowMs, ILogger logger)
    {
        (_connection, _commands, _maxBatchSize, _maxQueued, _maxQueuedBytes, _keys, _bytes, _nowMs, _logger) = (connection, commands, maxBatchSize, maxQueued, maxQueuedBytes, keys, bytes, nowMs, logger);
        // FullMode Wait makes TryWrite answer false when full; nothing ever waits to write.
        _inFlight = new List<Operation>(maxBatchSize);
        _queue = Channel.CreateBounded<Operation>(new BoundedChannelOptions(maxQueued) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Rows and value bytes as of the last commit.</summary>
    public (long Keys, long Bytes) Totals => (Interlocked.Read(ref _keys), Interlocked.Read(ref _bytes));

    /// <summary>Whether the writer can take writes, as of its last commit.</summary>
    public WriterHealth Health => _health;

    /// <summary>Set when the database was opened read-only at start: every write is refused before queueing.</summary>
    public ReadOnlyStart? ReadOnlyStart { get; init; }

    /// <summary>Where each successful commit's duration and size are recorded, if anywhere.</summary>
    public CommitMetrics? Metrics { get; init; }

    /// <summary>
    /// How long the oldest write not yet answered has waited: the batch being applied and committed,
    /// else the head of the queue; zero when nothing waits. It grows without bound while a commit
    /// hangs, although no commit has failed.
    /// </summary>
    public TimeSpan PendingFor
    {
        get
        {
            var since = Volatile.Read(ref _inFlightSince);
            if (_queue.Reader.TryPeek(out var head) && (since == 0 || head.QueuedAt < since))
            {
                since = head.QueuedAt;
            }
            return since == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(since);
        }
    }

    /// <summary>A write that carries next to no data (a delete, a touch): it counts against the queue's count bound only.</summary>
    public Task<T> EnqueueAsync<T>(Func<WriteBatch, T> apply, CancellationToken cancellationToken) =>
        EnqueueAsync(apply, bytes: 0, cancellationToken);

    /// <summary>
    /// Queues <paramref name="apply"/>, which holds about <paramref name="bytes"/> of keys and values,
    /// for the writer thread; completes with its result once its batch is committed. Cancelled before
    /// the writer takes it, it is never applied.
    /// </summary>
    public async Task<T> EnqueueAsync<T>(Func<WriteBatch, T> apply, long bytes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (ReadOnlyStart is { } readOnly)
        {
            throw readOnly.Refusal();
        }
        if (_health.StoppedRefusal is { } stopped)
        {
            throw new StorageUnavailableException(stopped);
        }
        var operation = new Operation(batch => apply(batch), bytes, Stopwatch.GetTimestamp(), ServerTimings.Current);
        var queuedBytes = Interlocked.Add(ref _queuedBytes, bytes);
        // One write larger than the bound still goes when nothing else waits, so no write is refused forever.
        if (queuedBytes > _maxQueuedBytes && queuedBytes != bytes)
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            throw new StorageUnavailableException($"The store's write queue is full ({_maxQueuedBytes} bytes of writes waiting); the write was not applied. Try again.");
        }
        if (!_queue.Writer.TryWrite(operation))
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            throw new StorageUnavailableException(_health.StoppedRefusal
                ?? (_closed ? "The store is shutting down." : $"The store's write queue is full ({_maxQueued} writes waiting); the write was not applied. Try again."));
        }
        await using (cancellationToken.Register(static state => ((Operation)state!).TryCancel(), operation))
        {
            return (T)(await operation.Completion.Task.ConfigureAwait(false))!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _closed = true;
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private void Run()
    {
        try
        {
            RunBatches();
        }
        catch (Exception ex)
        {
            // A fatal commit failure, or anything else that ends the loop.
            Stop(ex);
        }
    }

    private void RunBatches()
    {
        var reader = _queue.Reader;
        var operations = _inFlight;
        var results = new object?[_maxBatchSize];
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            operations.Clear();
            while (operations.Count < _maxBatchSize && reader.TryRead(out var operation))
            {
                Interlocked.Add(ref _queuedBytes, -operation.Bytes);
                if (operation.TryStart())
                {
                    operations.Add(operation);
                }
            }
            if (operations.Count == 0)
            {
                continue;
            }
            Volatile.Write(ref _inFlightSince, operations[0].QueuedAt); // The queue is in order: the first is the oldest.
            var takenAt = Stopwatch.GetTimestamp();
            long committingAt;
            var batch = new WriteBatch(_nowMs());
            try
            {
                using var transaction = _connection.BeginTransaction();
                _commands.Enlist(transaction);
                for (var i = 0; i < operations.Count; i++)
                {
                    results[i] = operations[i].Apply(batch);
                }
                if (batch.VersionWritten > 0)
                {
                    _commands.SaveVersion(batch.VersionWritten);
                }
                committingAt = Stopwatch.GetTimestamp();
                transaction.Commit();
            }
            catch (Exception ex) when (!SqliteFailures.IsFatal(ex))
            {
                // Rolled back, nothing in the batch was applied. Out of space or not writable marks the
                // writer refusing until the next commit that succeeds.
                LogBatchRefused(_logger, ex, operations.Count);
                Volatile.Write(ref _inFlightSince, 0);
                if (SqliteFailures.IsRefusal(ex))
                {
                    _health = WriterHealth.RefusedBy(ex);
                }
                var failure = SqliteFailures.ToStorageException(ex);
                foreach (var operation in operations)
                {
                    operation.Completion.TrySetException(failure);
                }
                continue;
            }
            var committedAt = Stopwatch.GetTimestamp();
            Metrics?.Record(committingAt, committedAt, operations.Count);
            _health = WriterHealth.Healthy;
            Volatile.Write(ref _inFlightSince, 0);
            Interlocked.Add(ref _keys, batch.Keys);
            Interlocked.Add(ref _bytes, batch.Bytes);
            for (var i = 0; i < operations.Count; i++)
            {
                if (operations[i].Timings is { } timings)
                {
                    // Waiting in the queue, applying the batch, committing it (the WAL's write and fsync).
                    timings.Add("queue", operations[i].QueuedAt, takenAt);
                    timings.Add("apply", takenAt, committingAt);
                    timings.Add("commit", committingAt, committedAt);
                }
                operations[i].Completion.TrySetResult(results[i]);
                results[i] = null;
            }
        }
    }

    /// <summary>
    /// The writer stops for good: every write in flight, queued or still to come fails. Only the batch
    /// in flight may have been applied; the queued writes are told they were not.
    /// </summary>
    private void Stop(Exception ex)
    {
        LogWriterStopped(_logger, ex);
        var health = WriterHealth.StoppedBy(ex);
        _health = health;
        _closed = true;
        _queue.Writer.TryComplete();
        var failure = new StorageUnavailableException(health.Stopped!, ex);
        foreach (var operation in _inFlight)
        {
            operation.Completion.TrySetException(failure);
        }
        Volatile.Write(ref _inFlightSince, 0);
        var refused = new StorageUnavailableException(health.StoppedRefusal!, ex);
        while (_queue.Reader.TryRead(out var queued))
        {
            Interlocked.Add(ref _queuedBytes, -queued.Bytes);
            queued.Completion.TrySetException(refused);
        }
    }

    private sealed class Operation(Func<WriteBatch, object?> apply, long bytes, long queuedAt, ServerTimings? timings)
    {
        private const int Queued = 0, Started = 1, Cancelled = 2;
        private int _state;

        public Func<WriteBatch, object?> Apply { get; } = apply;

        /// <summary>About how much memory its keys and values hold, for the queue's byte bound.</summary>
        public long Bytes { get; } = bytes;

        /// <summary>When it was queued (a <see cref="Stopwatch"/> timestamp).</summary>
        public long QueuedAt { get; } = queuedAt;

        /// <summary>Its request's stages, when the store reports them (<c>ServerTiming:Enabled</c>).</summary>
        public ServerTimings? Timings { get; } = timings;
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>False when its caller gave up first: the write is then never applied.</summary>
        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        /// <summary>The caller gave up: if the writer has not taken it yet, it never will.</summary>
        public void TryCancel()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
            {
                Completion.TrySetCanceled();
            }
        }
    }

    [LoggerMessage(2, LogLevel.Error, "A write batch of {Count} operations failed and was rolled back")]
    private static partial void LogBatchRefused(ILogger logger, Exception exception, int count);

    [LoggerMessage(4, LogLevel.Critical, "The writer stopped: no further write will be acknowledged until the store is restarted")]
    private static partial void LogWriterStopped(ILogger logger, Exception exception);
}
