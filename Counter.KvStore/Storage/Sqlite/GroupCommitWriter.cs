using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// The single writer of the embedded engine (group commit). One thread takes every write waiting
/// in the queue, applies them in order inside one transaction and commits once: one fsync covers
/// the whole batch, and because one thread applies them, compare-and-set needs no locks. A write's
/// task completes only after its batch is committed, so an acknowledged write is on disk; when the
/// commit fails nothing in the batch was applied and every caller in it gets the failure.
/// </summary>
internal sealed partial class GroupCommitWriter : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly WriterCommands _commands;
    private readonly int _maxBatchSize;
    private readonly Func<long> _nowMs;
    private readonly ILogger _logger;
    private readonly Channel<Operation> _queue = Channel.CreateUnbounded<Operation>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _keys;
    private long _bytes;

    public GroupCommitWriter(SqliteConnection connection, WriterCommands commands, int maxBatchSize, long keys, long bytes, Func<long> nowMs, ILogger logger)
    {
        (_connection, _commands, _maxBatchSize, _keys, _bytes, _nowMs, _logger) = (connection, commands, maxBatchSize, keys, bytes, nowMs, logger);
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Rows and value bytes as of the last commit.</summary>
    public (long Keys, long Bytes) Totals => (Interlocked.Read(ref _keys), Interlocked.Read(ref _bytes));

    /// <summary>Queues <paramref name="apply"/> for the writer thread; completes with its result once its batch is committed.</summary>
    public async Task<T> EnqueueAsync<T>(Func<WriteBatch, T> apply)
    {
        var operation = new Operation(batch => apply(batch));
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new StorageUnavailableException("The store is shutting down.");
        }
        return (T)(await operation.Completion.Task.ConfigureAwait(false))!;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var operations = new List<Operation>(_maxBatchSize);
        var results = new object?[_maxBatchSize];
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            operations.Clear();
            while (operations.Count < _maxBatchSize && reader.TryRead(out var operation))
            {
                operations.Add(operation);
            }
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
                transaction.Commit();
            }
            catch (Exception ex)
            {
                // Nothing in this batch was committed: fail every caller, none was acknowledged.
                LogBatchFailed(_logger, ex, operations.Count);
                var failure = SqliteFailures.ToStorageException(ex);
                foreach (var operation in operations)
                {
                    operation.Completion.TrySetException(failure);
                }
                continue;
            }
            Interlocked.Add(ref _keys, batch.Keys);
            Interlocked.Add(ref _bytes, batch.Bytes);
            for (var i = 0; i < operations.Count; i++)
            {
                operations[i].Completion.TrySetResult(results[i]);
                results[i] = null;
            }
        }
    }

    private sealed class Operation(Func<WriteBatch, object?> apply)
    {
        public Func<WriteBatch, object?> Apply { get; } = apply;
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(2, LogLevel.Error, "A write batch of {Count} operations failed and was rolled back")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}

/// <summary>State shared by the operations of one batch; the totals are applied only after commit.</summary>
internal sealed class WriteBatch(long now)
{
    /// <summary>The batch's clock (Unix ms): every operation in it judges expiry at the same instant.</summary>
    public long Now { get; } = now;
    public long Keys { get; set; }
    public long Bytes { get; set; }
    public long VersionWritten { get; set; }
}
