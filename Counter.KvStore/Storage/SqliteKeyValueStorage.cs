using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Counter.KvStore.Storage;

/// <summary>
/// The embedded storage engine: one SQLite database in WAL mode.
///
/// Writes go through a single writer loop that takes every write waiting in its queue, applies
/// them in order inside one transaction and commits once (group commit): one fsync covers a whole
/// batch, and because one thread applies them, compare-and-set needs no locks. A write's task
/// completes only after its batch is committed, so an acknowledged write is on disk.
/// Reads use their own pooled connections and never wait for the writer (WAL readers see the
/// last committed state).
///
/// Schema, revision 1 (PRAGMA user_version = 1):
///   entries(key TEXT PRIMARY KEY, value BLOB  -- UTF-8 JSON as received and validated
///           version INTEGER                   -- store-wide increasing, never reused
///           expires_at INTEGER NULL)          -- Unix milliseconds; NULL = never
///   meta(name TEXT PRIMARY KEY, value INTEGER) -- 'version' = highest version ever issued
/// </summary>
public sealed partial class SqliteKeyValueStorage : IKeyValueStorage, IAsyncDisposable
{
    private const int SchemaRevision = 1;
    private const int SqliteIoError = 10; // SQLITE_IOERR
    private const int SqliteFull = 13; // SQLITE_FULL
    private const string LiveFilter = "(expires_at IS NULL OR expires_at > $now)";
    // Keys are printable ASCII below DEL, so prefix + DEL is an exclusive upper bound for the prefix range.
    private const char PrefixUpperBound = '\u007f';

    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SqliteKeyValueStorage> _logger;
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly WriterCommands _commands;
    private readonly Channel<WriteOperation> _queue = Channel.CreateUnbounded<WriteOperation>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writerLoop;
    private long _version;
    private long _keys;
    private long _bytes;

    public SqliteKeyValueStorage(IOptions<StorageOptions> options, TimeProvider time, IHostEnvironment environment, ILogger<SqliteKeyValueStorage> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;

        var folder = Path.GetFullPath(Path.Combine(environment.ContentRootPath, _options.DataPath));
        Directory.CreateDirectory(folder);
        DatabasePath = Path.Combine(folder, "kvstore.db");
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        }.ToString();

        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, "PRAGMA journal_mode=WAL;");
        Execute(_writer, $"PRAGMA synchronous={(_options.Synchronous == SyncMode.Full ? "FULL" : "NORMAL")};");
        CreateSchema();
        _version = Scalar(_writer, "SELECT max(coalesce((SELECT value FROM meta WHERE name = 'version'), 0), coalesce((SELECT max(version) FROM entries), 0));");
        _keys = Scalar(_writer, "SELECT count(*) FROM entries;");
        _bytes = Scalar(_writer, "SELECT coalesce(sum(length(value)), 0) FROM entries;");
        _commands = new WriterCommands(_writer);
        LogOpened(_logger, DatabasePath, _keys, _options.Synchronous);

        _writerLoop = Task.Factory.StartNew(RunWriterLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public string DatabasePath { get; }

    public (long Keys, long Bytes) Totals => (Interlocked.Read(ref _keys), Interlocked.Read(ref _bytes));

    public async Task<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT value, version, expires_at FROM entries WHERE key = $key AND {LiveFilter};";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", NowMs());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEntry(key, reader, 0) : null;
    }

    public Task<WriteResult> PutAsync(string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        EnqueueAsync(batch => ApplyPut(batch, key, value, condition, timeToLive));

    public Task PutManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken) =>
        EnqueueAsync(batch =>
        {
            foreach (var (key, value) in entries)
            {
                ApplyPut(batch, key, value, WriteCondition.None, timeToLive: null);
            }
            return true;
        });

    public Task<IReadOnlyList<WriteResult>> PutEachAsync(IReadOnlyList<PutRequest> puts, CancellationToken cancellationToken) =>
        EnqueueAsync<IReadOnlyList<WriteResult>>(batch =>
        {
            var results = new WriteResult[puts.Count];
            for (var i = 0; i < puts.Count; i++)
            {
                results[i] = ApplyPut(batch, puts[i].Key, puts[i].Value, puts[i].Condition, puts[i].TimeToLive);
            }
            return results;
        });

    public Task<DeleteResult> DeleteAsync(string key, WriteCondition condition, CancellationToken cancellationToken) =>
        EnqueueAsync(batch =>
        {
            var current = _commands.Find(key);
            var live = current is not null && IsLive(current, batch.Now);
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
        });

    public Task<long?> TouchAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        EnqueueAsync(batch =>
        {
            var current = _commands.Find(key);
            if (current is null || !IsLive(current, batch.Now))
            {
                return (long?)null;
            }
            _commands.SetExpiry(key, ExpiryFor(batch.Now, timeToLive));
            return current.Version;
        });

    public async Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken)
    {
        const int Chunk = 1000;
        long total = 0;
        long removed;
        do
        {
            // One chunk per writer turn, so other writes interleave with a large clear.
            removed = await EnqueueAsync(batch =>
            {
                var (count, bytes) = _commands.DeleteRange(prefix, prefix + PrefixUpperBound, Chunk);
                batch.Keys -= count;
                batch.Bytes -= bytes;
                return count;
            });
            total += removed;
        }
        while (removed == Chunk && !cancellationToken.IsCancellationRequested);
        return total;
    }

    public async Task<KeyPage> ListAsync(string prefix, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var keys = new List<string>(Math.Min(limit, 1024));
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = CreateRangeCommand(connection, "key", prefix, cursor, limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
        if (keys.Count <= limit)
        {
            return new KeyPage(keys, null);
        }
        keys.RemoveAt(keys.Count - 1);
        return new KeyPage(keys, keys[^1]);
    }

    public async IAsyncEnumerable<StoredEntry> ScanAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        var page = new List<StoredEntry>(_options.ScanPageSize);
        do
        {
            page.Clear();
            // Each page is its own short read, so a slow consumer never pins a WAL snapshot.
            await using (var connection = await OpenReaderAsync(cancellationToken))
            await using (var command = CreateRangeCommand(connection, "key, value, version, expires_at", prefix, after, _options.ScanPageSize))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add(ReadEntry(reader.GetString(0), reader, 1));
                }
            }
            foreach (var entry in page)
            {
                yield return entry;
            }
            after = page.Count > 0 ? page[^1].Key : null;
        }
        while (page.Count == _options.ScanPageSize);
    }

    public Task<int> SweepExpiredAsync(int limit, CancellationToken cancellationToken) =>
        EnqueueAsync(batch =>
        {
            var (count, bytes) = _commands.DeleteExpired(batch.Now, limit);
            batch.Keys -= count;
            batch.Bytes -= bytes;
            return (int)count;
        });

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        _commands.Dispose();
        // Fold the WAL back into the database so the next start opens quickly.
        try
        {
            Execute(_writer, "PRAGMA wal_checkpoint(TRUNCATE);");
        }
        catch (SqliteException ex)
        {
            LogCheckpointFailed(_logger, ex);
        }
        await _writer.DisposeAsync().ConfigureAwait(false);
    }

    private WriteResult ApplyPut(Batch batch, string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive)
    {
        var current = _commands.Find(key);
        var live = current is not null && IsLive(current, batch.Now);
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

    private async Task<T> EnqueueAsync<T>(Func<Batch, T> apply)
    {
        var operation = new WriteOperation(batch => apply(batch));
        if (!_queue.Writer.TryWrite(operation))
        {
            throw new StorageUnavailableException("The store is shutting down.");
        }
        return (T)(await operation.Completion.Task.ConfigureAwait(false))!;
    }

    private void RunWriterLoop()
    {
        var reader = _queue.Reader;
        var operations = new List<WriteOperation>(_options.MaxBatchSize);
        var results = new object?[_options.MaxBatchSize];
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            operations.Clear();
            while (operations.Count < _options.MaxBatchSize && reader.TryRead(out var operation))
            {
                operations.Add(operation);
            }
            var batch = new Batch(NowMs());
            try
            {
                using var transaction = _writer.BeginTransaction();
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
                var failure = new StorageUnavailableException(DescribeFailure(ex), ex, diskFull: ex is SqliteException { SqliteErrorCode: SqliteFull });
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

    private static string DescribeFailure(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: SqliteFull } => "The store's disk is full; the write was not saved.",
        SqliteException { SqliteErrorCode: SqliteIoError } => "The store's disk reported an I/O error; the write was not saved.",
        _ => "The store could not save the write; it was not saved.",
    };

    private SqliteCommand CreateRangeCommand(SqliteConnection connection, string columns, string prefix, string? after, int limit)
    {
        var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {columns} FROM entries WHERE key >= $prefix AND key < $upper AND key > $after AND {LiveFilter} ORDER BY key LIMIT $limit;";
        command.Parameters.AddWithValue("$prefix", prefix);
        command.Parameters.AddWithValue("$upper", prefix + PrefixUpperBound);
        command.Parameters.AddWithValue("$after", after ?? string.Empty);
        command.Parameters.AddWithValue("$now", NowMs());
        command.Parameters.AddWithValue("$limit", limit);
        return command;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static StoredEntry ReadEntry(string key, SqliteDataReader reader, int first) => new(
        key,
        (byte[])reader.GetValue(first),
        reader.GetInt64(first + 1),
        reader.IsDBNull(first + 2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(first + 2)));

    private static bool IsLive(StoredEntry entry, long nowMs) =>
        entry.ExpiresAt is not { } expiry || expiry.ToUnixTimeMilliseconds() > nowMs;

    private static long? ExpiryFor(long nowMs, TimeSpan? timeToLive) =>
        timeToLive is { } ttl ? nowMs + (long)ttl.TotalMilliseconds : null;

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void CreateSchema()
    {
        Execute(_writer, """
            CREATE TABLE IF NOT EXISTS entries (
                key TEXT PRIMARY KEY NOT NULL,
                value BLOB NOT NULL,
                version INTEGER NOT NULL,
                expires_at INTEGER
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS entries_expiry ON entries(expires_at) WHERE expires_at IS NOT NULL;
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
            """);
        var revision = Scalar(_writer, "PRAGMA user_version;");
        if (revision > SchemaRevision)
        {
            throw new InvalidOperationException($"{DatabasePath} has schema revision {revision}; this build understands up to {SchemaRevision}.");
        }
        Execute(_writer, $"PRAGMA user_version = {SchemaRevision};");
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>State shared by the operations of one batch; totals are applied only after commit.</summary>
    private sealed class Batch(long now)
    {
        public long Now { get; } = now;
        public long Keys { get; set; }
        public long Bytes { get; set; }
        public long VersionWritten { get; set; }
    }

    private sealed class WriteOperation(Func<Batch, object?> apply)
    {
        public Func<Batch, object?> Apply { get; } = apply;
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(1, LogLevel.Information, "Opened store {Path} with {Keys} keys (synchronous={Synchronous})")]
    private static partial void LogOpened(ILogger logger, string path, long keys, SyncMode synchronous);

    [LoggerMessage(2, LogLevel.Error, "A write batch of {Count} operations failed and was rolled back")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(3, LogLevel.Warning, "Final WAL checkpoint failed")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);
}
