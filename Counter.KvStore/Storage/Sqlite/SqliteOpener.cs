using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// Opens the database for writes when its disk takes them, else read-only, so that a store restarted
/// on a full or read-only disk still serves what it holds (<see cref="ReadOnlyStart"/>). A WAL
/// database needs its -shm file to be read: after a kill -9 the -wal and -shm are there and a
/// read-only open reads through them; after a clean stop both are gone and a disk that refuses
/// writes cannot create them, so the file is opened immutable, which is exact because no WAL holds
/// anything then. A database that cannot be opened even so (none was ever created, it is damaged,
/// or of a later revision) is a <see cref="DataFolderUnusableException"/>.
/// </summary>
internal static class SqliteOpener
{
    private const int SqlitePermission = 3; // SQLITE_PERM
    private const int SqliteReadOnly = 8; // SQLITE_READONLY
    private const int SqliteIoError = 10; // SQLITE_IOERR (growing the -shm file on a full disk)
    private const int SqliteFull = 13; // SQLITE_FULL
    private const int SqliteCantOpen = 14; // SQLITE_CANTOPEN (no -shm and none can be created)

    /// <summary>Below this much free space, an I/O error while opening for writes means the disk is full.</summary>
    private const long LowSpaceBytes = 1024 * 1024;

    /// <summary>The writer's connection, the readers' connection string, what the database holds, and why it is read-only if it is.</summary>
    public sealed record Opened(SqliteConnection Connection, string ConnectionString, SqliteSchema.Opened Schema, ReadOnlyStart? ReadOnly);

    public static Opened Open(string folder, string databasePath, SyncMode synchronous)
    {
        var forWrites = ConnectionString(databasePath, SqliteOpenMode.ReadWriteCreate);
        SqliteException refused;
        try
        {
            var (connection, schema) = Connect(forWrites, databasePath, synchronous);
            // SQLite opens a file it cannot write (on a read-only file system) read-only by itself.
            var readOnly = SQLitePCL.raw.sqlite3_db_readonly(connection.Handle, "main") == 1;
            return new Opened(connection, forWrites, schema, readOnly ? new ReadOnlyStart(DiskFull: false) : null);
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is SqlitePermission or SqliteReadOnly or SqliteIoError or SqliteFull or SqliteCantOpen)
        {
            refused = ex;
        }
        catch (SqliteException ex)
        {
            throw Unusable(folder, ex);
        }
        catch (InvalidOperationException ex)
        {
            throw new DataFolderUnusableException(folder, ex.Message, ex);
        }

        var reason = new ReadOnlyStart(DiskFull: refused.SqliteErrorCode == SqliteFull
            || (refused.SqliteErrorCode == SqliteIoError && FreeSpace(folder) < LowSpaceBytes));
        foreach (var readOnly in ReadOnlyConnectionStrings(databasePath))
        {
            try
            {
                var (connection, schema) = Connect(readOnly, databasePath, synchronous);
                return new Opened(connection, readOnly, schema, reason);
            }
            catch (Exception ex) when (ex is SqliteException or InvalidOperationException)
            {
                // Try the next way; the failure to open for writes is the one reported.
            }
        }
        throw Unusable(folder, refused);
    }

    private static IEnumerable<string> ReadOnlyConnectionStrings(string databasePath)
    {
        yield return ConnectionString(databasePath, SqliteOpenMode.ReadOnly);
        var wal = new FileInfo(databasePath + "-wal");
        if (!wal.Exists || wal.Length == 0)
        {
            yield return ConnectionString(new Uri(databasePath).AbsoluteUri + "?immutable=1", SqliteOpenMode.ReadOnly);
        }
    }

    private static (SqliteConnection Connection, SqliteSchema.Opened Schema) Connect(string connectionString, string databasePath, SyncMode synchronous)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            return (connection, SqliteSchema.Open(connection, databasePath, synchronous));
        }
        catch
        {
            // Not back into the pool: a reader must never get a connection opened this way.
            SqliteConnection.ClearPool(connection);
            connection.Dispose();
            throw;
        }
    }

    private static string ConnectionString(string dataSource, SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = dataSource,
        Mode = mode,
        Pooling = true,
    }.ToString();

    private static long FreeSpace(string folder)
    {
        try
        {
            return new DriveInfo(folder).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue;
        }
    }

    private static DataFolderUnusableException Unusable(string folder, SqliteException ex) =>
        new(folder, $"its database cannot be opened, not even read-only ({ex.Message}).", ex);
}
