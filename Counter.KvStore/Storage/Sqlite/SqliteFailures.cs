using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>What a failed commit means to the caller: the API answers 507 when the disk is full, else 503.</summary>
internal static class SqliteFailures
{
    private const int SqliteIoError = 10; // SQLITE_IOERR
    private const int SqliteFull = 13; // SQLITE_FULL

    public static StorageUnavailableException ToStorageException(Exception ex) => ex switch
    {
        SqliteException { SqliteErrorCode: SqliteFull } => new("The store's disk is full; the write was not saved.", ex, diskFull: true),
        SqliteException { SqliteErrorCode: SqliteIoError } => new("The store's disk reported an I/O error; the write was not saved.", ex),
        _ => new("The store could not save the write; it was not saved.", ex),
    };
}
