namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// What the writer's last commit said: healthy; <see cref="Refused"/> (the disk refused it for lack
/// of space or permission, recoverable); or <see cref="Stopped"/> (an I/O error ended the writer,
/// until a restart). The texts name no key or path: they reach /health's callers and logs.
/// </summary>
internal sealed record WriterHealth(string? Refused, string? Stopped)
{
    public static WriterHealth Healthy { get; } = new(null, null);

    public static WriterHealth RefusedBy(Exception ex) => new(SqliteFailures.ToStorageException(ex).Message, null);

    /// <summary>
    /// <see cref="Stopped"/> is what /health and the batch in flight are told (that batch may be in the WAL);
    /// <see cref="StoppedRefusal"/> answers every write that never reached SQLite (queued then, or sent since).
    /// </summary>
    public static WriterHealth StoppedBy(Exception ex) => new(null,
        $"The store stopped accepting writes after a storage failure ({Describe(ex)}); restart it: recovery decides which unacknowledged writes survived.")
    {
        StoppedRefusal = $"The store stopped accepting writes after a storage failure ({Describe(ex)}); the write was not applied; restart the store to write again.",
    };

    /// <summary>Set with <see cref="Stopped"/>: the answer to a write the stopped writer never took.</summary>
    public string? StoppedRefusal { get; private init; }

    private static string Describe(Exception ex) => ex is Microsoft.Data.Sqlite.SqliteException sqlite
        ? $"SQLite error {sqlite.SqliteExtendedErrorCode}"
        : ex.GetType().Name;
}
