using Counter.ServiceDefaults;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// The embedded storage engine: one SQLite database in WAL mode. Split by concern:
/// this file opens and closes it; <c>.Reads.cs</c> serves reads from pooled connections, which never
/// wait for the writer (WAL readers see the last committed state); <c>.Writes.cs</c> holds the
/// write operations and their compare-and-set rules; <see cref="GroupCommitWriter"/> applies them;
/// <see cref="SqliteOpener"/> opens the database (read-only when its disk refuses writes at start);
/// <see cref="SqliteSchema"/> creates and checks the schema; <see cref="SqliteFailures"/> says what a
/// failed commit means to the caller; <see cref="DataFolderLock"/> makes this process the folder's only owner.
/// </summary>
public sealed partial class SqliteKeyValueStorage : IKeyValueStorage, IAsyncDisposable
{
    private readonly SqliteStorageOptions _options;
    private readonly ExpiryClock _clock;
    private readonly ILogger<SqliteKeyValueStorage> _logger;
    private readonly string _connectionString;
    private readonly SqliteConnection _connection;
    private readonly WriterCommands _commands;
    private readonly GroupCommitWriter _writer;
    private readonly DataFolderLock _folderLock;
    private long _version; // Highest version issued; only the writer thread changes it.
    private bool _clockStepped; // Whether a wall-clock step was last logged; writer thread only.
    private int _disposed; // The host disposes this twice: as itself and as the keyed engine.

    public SqliteKeyValueStorage(IOptions<SqliteStorageOptions> options, TimeProvider time, IHostEnvironment environment, ILogger<SqliteKeyValueStorage> logger, CommitMetrics metrics)
    {
        _options = options.Value;
        _logger = logger;

        var folder = Path.GetFullPath(Path.Combine(environment.ContentRootPath, _options.DataPath));
        DatabasePath = Path.Combine(folder, "kvstore.db");
        CreateOwnerOnly(folder, () => OwnerOnly.CreateFolder(folder), "the folder cannot be created or made owner-only");
        _folderLock = DataFolderLock.Acquire(folder, _options.DataFolderWait);
        try
        {
            CreateOwnerOnly(folder, () => RestrictToOwner(DatabasePath), "no database file can be created or made owner-only there");
            var database = SqliteOpener.Open(folder, DatabasePath, _options.Synchronous);
            (_connection, _connectionString, ReadOnlyStart) = (database.Connection, database.ConnectionString, database.ReadOnly);
            _version = database.Schema.Version;
            _clock = new ExpiryClock(time, database.Schema.SweepClock, database.Schema.LatestExpiry);
            _commands = new WriterCommands(_connection);
            LogOpened(_logger, DatabasePath, database.Schema.Keys, _options.Synchronous);
            if (_clock.StartedBehindMs > ExpiryClock.SweepMargin.TotalMilliseconds)
            {
                LogStartedBehind(_logger, _clock.StartedBehindMs / 1000);
            }
            _writer = new GroupCommitWriter(_connection, _commands, _options.MaxBatchSize, _options.MaxQueuedWrites, _options.MaxQueuedBytes, database.Schema.Keys, database.Schema.Bytes, NowMs, logger)
            {
                ReadOnlyStart = ReadOnlyStart,
                Metrics = metrics,
            };
        }
        catch
        {
            _folderLock.Dispose();
            throw;
        }
        if (ReadOnlyStart is { } readOnly)
        {
            LogOpenedReadOnly(_logger, readOnly.Description);
        }
        else
        {
            ProbeAtStart();
        }
    }

    public string DatabasePath { get; }

    /// <summary>
    /// The folder 0700 and the database 0600 (<see cref="OwnerOnly"/>): the store
    /// holds every session and web's key ring. SQLite gives its -wal and -shm files the database file's
    /// mode, so creating that file first covers them too; files from before are fixed.
    /// </summary>
    private static void RestrictToOwner(string databasePath)
    {
        OwnerOnly.CreateFile(databasePath);
        OwnerOnly.Restrict(databasePath + "-wal");
        OwnerOnly.Restrict(databasePath + "-shm");
    }

    /// <summary>Set when the database was opened read-only because its disk refused writes at start.</summary>
    internal ReadOnlyStart? ReadOnlyStart { get; }

    /// <summary>
    /// A database opened for writes on a disk that is full anyway: one commit that changes nothing
    /// marks the writer refusing at once (and /health unhealthy until the disk takes writes again),
    /// instead of the first user's write finding out.
    /// </summary>
    private void ProbeAtStart()
    {
        try
        {
            // Bounded: a disk whose fsync never returns must not keep the store from starting (and
            // logging) at all; /health then reports the stalled writer.
            ProbeWriteAsync(CancellationToken.None).WaitAsync(WriterHealthCheck.StallBound).GetAwaiter().GetResult();
        }
        catch (StorageUnavailableException ex)
        {
            LogRefusedAtStart(_logger, ex.Message);
        }
        catch (TimeoutException)
        {
            LogRefusedAtStart(_logger, $"a commit that changes nothing did not finish within {WriterHealthCheck.StallBound.TotalSeconds:0} s; the store starts, and /health reports the stalled writer.");
        }
    }

    private static void CreateOwnerOnly(string folder, Action create, string reason)
    {
        try
        {
            create();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataFolderUnusableException(folder, $"{reason} ({ex.Message}).", ex);
        }
    }

    public (long Keys, long Bytes) Totals => _writer.Totals;

    /// <summary>Whether writes are being committed (see <see cref="GroupCommitWriter"/>).</summary>
    internal WriterHealth WriterHealth => _writer.Health;

    /// <summary>How long the oldest unanswered write has waited for the writer (see <see cref="GroupCommitWriter.PendingFor"/>).</summary>
    internal TimeSpan WriterPendingFor => _writer.PendingFor;

    /// <summary>
    /// A real commit that changes nothing (the version counter rewritten as it is), to learn whether
    /// the disk takes writes again after it refused one. Throws <see cref="StorageUnavailableException"/> if not.
    /// </summary>
    internal Task ProbeWriteAsync(CancellationToken cancellationToken) =>
        _writer.EnqueueAsync(batch =>
        {
            _commands.SaveVersion(_version);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _writer.DisposeAsync().ConfigureAwait(false);
        _commands.Dispose();
        // Fold the WAL back into the database so the next start opens quickly (nothing to fold when read-only).
        try
        {
            if (ReadOnlyStart is null)
            {
                SqliteSchema.Execute(_connection, "PRAGMA wal_checkpoint(TRUNCATE);");
            }
        }
        catch (SqliteException ex)
        {
            LogCheckpointFailed(_logger, ex);
        }
        await _connection.DisposeAsync().ConfigureAwait(false);
        _folderLock.Dispose();
    }

    private static bool IsLive(StoredEntry entry, long nowMs) =>
        entry.ExpiresAt is not { } expiry || expiry.ToUnixTimeMilliseconds() > nowMs;

    private static long? ExpiryFor(long nowMs, TimeSpan? timeToLive) =>
        timeToLive is { } ttl ? nowMs + (long)ttl.TotalMilliseconds : null;

    /// <summary>The time expiries are stamped and judged by (see <see cref="ExpiryClock"/>), never earlier than the anchored clock.</summary>
    private long NowMs() => _clock.NowMs();

    /// <summary>The time that decides what is live (reads and the writer's conditions); never later than <see cref="NowMs"/>, which stamps expiries.</summary>
    private long LiveMs() => _clock.LiveMs();

    [LoggerMessage(1, LogLevel.Information, "Opened store {Path} with {Keys} keys (synchronous={Synchronous})")]
    private static partial void LogOpened(ILogger logger, string path, long keys, SyncMode synchronous);

    [LoggerMessage(31, LogLevel.Error, "Opened the store read-only: {Reason}")]
    private static partial void LogOpenedReadOnly(ILogger logger, string reason);

    [LoggerMessage(32, LogLevel.Error, "The disk refused a write at start: {Reason}")]
    private static partial void LogRefusedAtStart(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Final WAL checkpoint failed")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "The wall clock at start is {Seconds} s behind the previous run's sweep clock; expiries are reckoned from that record instead")]
    private static partial void LogStartedBehind(ILogger logger, long seconds);

    [LoggerMessage(5, LogLevel.Warning, "The wall clock is {Seconds} s off the monotonic clock since start (negative: behind): a clock step. Expiries are stamped and judged by the monotonic clock and deleted by the earlier of the two, so no live entry is hidden or deleted")]
    private static partial void LogClockStepped(ILogger logger, long seconds);

    [LoggerMessage(6, LogLevel.Information, "The wall clock agrees with the monotonic clock since start again")]
    private static partial void LogClockAgrees(ILogger logger);
}
