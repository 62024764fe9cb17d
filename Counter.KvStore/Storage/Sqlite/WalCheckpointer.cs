using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// Folds the WAL into the database file from its own connection and thread, every
/// <see cref="Interval"/>, so that the writer's commits seldom wait for a checkpoint.
///
/// SQLite checkpoints on the committing connection once the WAL holds 1,000 pages, and every write
/// waits meanwhile: the checkpoint syncs the WAL (with <c>Synchronous=Normal</c> its only sync, so it
/// flushes every commit since the last one), copies the WAL's pages into the database file and syncs
/// that. Run here first, most of that is done when the writer's own checkpoint comes: the WAL is
/// already synced up to a few milliseconds ago and most of its pages are copied.
///
/// The writer's own checkpoint stays as it is: it is what lets the WAL start over (SQLite reuses the
/// WAL only once every frame is folded and the database file synced, and a checkpoint beside the
/// writer seldom gets that far before the writer appends again, so alone it would let the WAL grow
/// without bound), and it does all the work whenever this one fails. Checkpoints are PASSIVE: they
/// never wait for, nor block, the writer or a reader. Folding from a second connection is as safe as
/// from the writer's: SQLite syncs the WAL before it copies a page out of it, marks frames folded
/// only once they are copied, and a checkpoint cut short by a failure or a crash is done again from
/// the WAL by the next one.
/// </summary>
internal sealed partial class WalCheckpointer : IDisposable
{
    /// <summary>
    /// Often enough that the WAL a checkpoint syncs holds only a few milliseconds of commits, rarely
    /// enough that its thread is idle nearly all the time.
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    private readonly SqliteConnection _connection;
    private readonly ILogger _logger;
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _thread;

    public WalCheckpointer(string connectionString, SyncMode synchronous, ILogger logger)
    {
        _logger = logger;
        // Its own connection, outside the pool that the writer and the readers share; a busy database
        // file (another process recovering it) fails a checkpoint after a second instead of 30.
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false, DefaultTimeout = 1 }.ToString());
        try
        {
            _connection.Open();
            // How a checkpoint syncs follows the connection that runs it: the same as the writer's.
            SqliteSchema.SetSynchronous(_connection, synchronous);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "WAL checkpointer" };
        _thread.Start();
    }

    private void Run()
    {
        var failing = false;
        while (!_stop.Wait(Interval))
        {
            try
            {
                SqliteSchema.Execute(_connection, "PRAGMA wal_checkpoint(PASSIVE);");
                if (failing)
                {
                    failing = false;
                    LogCheckpointsResumed(_logger);
                }
            }
            catch (Exception ex)
            {
                // Nothing may escape a thread of its own (it would end the process), and the writer's own
                // checkpoints keep the WAL bounded meanwhile: say so once, not every interval.
                if (!failing)
                {
                    failing = true;
                    // An I/O error or damage here is the disk's, as it would be in a commit: an error, not a warning.
                    if (SqliteFailures.IsFatal(ex))
                    {
                        LogCheckpointDiskError(_logger, ex);
                    }
                    else
                    {
                        LogCheckpointFailed(_logger, ex);
                    }
                }
            }
        }
    }

    /// <summary>Stops after the checkpoint under way, if any, and closes its connection.</summary>
    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        _connection.Dispose();
        _stop.Dispose();
    }

    [LoggerMessage(40, LogLevel.Warning, "A background WAL checkpoint failed; the writer checkpoints on its own until one succeeds")]
    private static partial void LogCheckpointFailed(ILogger logger, Exception exception);

    [LoggerMessage(43, LogLevel.Error, "A background WAL checkpoint hit a disk error or a damaged database; the writer checkpoints on its own until one succeeds")]
    private static partial void LogCheckpointDiskError(ILogger logger, Exception exception);

    [LoggerMessage(41, LogLevel.Information, "Background WAL checkpoints succeed again")]
    private static partial void LogCheckpointsResumed(ILogger logger);
}
