using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>What a failed commit means to the caller: the API answers 507 when the disk is full, else 503.</summary>
internal static class SqliteFailures
{
    private const int SqliteReadOnly = 8; // SQLITE_READONLY
    private const int SqliteIoError = 10; // SQLITE_IOERR (a failed read, write or fsync)
    private const int SqliteCorrupt = 11; // SQLITE_CORRUPT
    private const int SqliteFull = 13; // SQLITE_FULL
    private const int SqliteNotADatabase = 26; // SQLITE_NOTADB

    /// <summary>
    /// The disk refused the commit (full, or not writable): SQLite rolled it back cleanly, and a later
    /// commit succeeds once the cause is gone.
    /// </summary>
    public static bool IsRefusal(Exception ex) => ex is SqliteException { SqliteErrorCode: SqliteFull or SqliteReadOnly };

    /// <summary>
    /// The database can no longer be trusted to say what it holds (an I/O error, which after a failed
    /// fsync may leave the batch's frames in the WAL; damage): the writer must stop.
    /// </summary>
    public static bool IsFatal(Exception ex) => ex is SqliteException { SqliteErrorCode: SqliteIoError or SqliteCorrupt or SqliteNotADatabase };

    public static StorageUnavailableException ToStorageException(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: SqliteFull } => new("The store's disk is full; the write was not saved.", ex, diskFull: true),
        SqliteException { SqliteErrorCode: SqliteReadOnly } => new("The store's disk is not writable; the write was not saved.", ex),
        _ => new("The store could not save the write; it was not saved.", ex),
    };
}
