using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// The database's schema, revision 1 (PRAGMA user_version = 1):
///   entries(key TEXT PRIMARY KEY, value BLOB  -- UTF-8 JSON as received and validated
///           version INTEGER                   -- store-wide increasing, never reused
///           expires_at INTEGER NULL)          -- Unix milliseconds; NULL = never
///   meta(name TEXT PRIMARY KEY, value INTEGER) -- 'version' = highest version ever issued;
///                                              -- 'sweep_clock' = the last sweep's clock, Unix ms (see ExpiryClock)
/// A database of a later revision is refused rather than misread.
/// </summary>
internal static class SqliteSchema
{
    public const int Revision = 1;

    /// <summary>What the writer needs to know about an opened database.</summary>
    public readonly record struct Opened(long Version, long Keys, long Bytes, long? SweepClock, long? LatestExpiry);

    /// <summary>
    /// Sets the sync mode, checks the revision and creates the schema (in WAL mode) if the database has
    /// none. A database already at this revision is only read: a store starts on a full or read-only disk.
    /// </summary>
    public static Opened Open(SqliteConnection connection, string path, SyncMode synchronous)
    {
        Execute(connection, $"PRAGMA synchronous={(synchronous == SyncMode.Full ? "FULL" : "NORMAL")};");
        var revision = Scalar(connection, "PRAGMA user_version;");
        if (revision > Revision)
        {
            throw new InvalidOperationException($"{path} has schema revision {revision}; this build understands up to {Revision}.");
        }
        if (revision < Revision)
        {
            // WAL is a property of the database file: set once here, every later open uses it.
            Execute(connection, "PRAGMA journal_mode=WAL;");
            Execute(connection, """
                CREATE TABLE IF NOT EXISTS entries (
                    key TEXT PRIMARY KEY NOT NULL,
                    value BLOB NOT NULL,
                    version INTEGER NOT NULL,
                    expires_at INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS entries_expiry ON entries(expires_at) WHERE expires_at IS NOT NULL;
                CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
                """);
            Execute(connection, $"PRAGMA user_version = {Revision};");
        }
        return new Opened(
            Version: Scalar(connection, "SELECT max(coalesce((SELECT value FROM meta WHERE name = 'version'), 0), coalesce((SELECT max(version) FROM entries), 0));"),
            Keys: Scalar(connection, "SELECT count(*) FROM entries;"),
            Bytes: Scalar(connection, "SELECT coalesce(sum(length(value)), 0) FROM entries;"),
            SweepClock: NullableScalar(connection, "SELECT value FROM meta WHERE name = 'sweep_clock';"),
            // The partial index answers this with one seek.
            LatestExpiry: NullableScalar(connection, "SELECT max(expires_at) FROM entries WHERE expires_at IS NOT NULL;"));
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql) =>
        NullableScalar(connection, sql) ?? throw new InvalidOperationException($"No value from: {sql}");

    private static long? NullableScalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }
}
