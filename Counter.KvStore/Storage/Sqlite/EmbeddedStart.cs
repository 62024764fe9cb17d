namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// Opens the embedded engine before the host starts, so that a data folder the store cannot use
/// ends the process with one log line and a documented exit code (docs/guarantees.md) instead of a
/// host failure with a stack trace and an abort.
/// </summary>
internal static partial class EmbeddedStart
{
    /// <summary>Another live store process owns the data folder.</summary>
    public const int FolderInUse = 3;

    /// <summary>The folder cannot be created or locked, or no database in it can be opened, not even read-only.</summary>
    public const int FolderUnusable = 4;

    /// <summary>Null when the store may start (or runs another backend); else the exit code, after logging why.</summary>
    public static int? Open(IServiceProvider services)
    {
        try
        {
            services.GetService<SqliteKeyValueStorage>();
            return null;
        }
        catch (DataFolderInUseException ex)
        {
            LogRefused(Logger(services), ex.Message, FolderInUse);
            return FolderInUse;
        }
        catch (DataFolderUnusableException ex)
        {
            LogRefused(Logger(services), ex.Message, FolderUnusable);
            return FolderUnusable;
        }
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SqliteKeyValueStorage).FullName!);

    [LoggerMessage(30, LogLevel.Critical, "{Reason} The store did not start (exit code {ExitCode}).")]
    private static partial void LogRefused(ILogger logger, string reason, int exitCode);
}
