namespace Counter.KvStore.Storage;

/// <summary>One stored value. <paramref name="Value"/> is UTF-8 JSON, validated on the way in.</summary>
public sealed record StoredEntry(string Key, byte[] Value, long Version, DateTimeOffset? ExpiresAt);

/// <summary>
/// A write precondition. <see cref="IfMatch"/> replaces only the version given;
/// <see cref="IfNoneMatch"/> creates only when no live value exists.
/// </summary>
public readonly record struct WriteCondition(long? IfMatch = null, bool IfNoneMatch = false)
{
    public static WriteCondition None => default;
}

public enum WriteOutcome
{
    Created,
    Replaced,
    PreconditionFailed,

    /// <summary>One put of a batch that the storage could not apply or confirm (503 for that put alone).</summary>
    Unavailable,

    /// <summary>One put of a batch whose value is over the store's limit (413 for that put alone).</summary>
    TooLarge,
}

/// <summary>
/// The outcome of a put. On a failed precondition, <paramref name="Version"/> and
/// <paramref name="Current"/> describe the live entry that won (0 and null when there is none), so
/// a compare-and-set client can retry without reading the key again. <paramref name="Error"/> says
/// why a put of a batch was <see cref="WriteOutcome.Unavailable"/> or <see cref="WriteOutcome.TooLarge"/>.
/// </summary>
public sealed record WriteResult(WriteOutcome Outcome, long Version, byte[]? Current = null, string? Error = null)
{
    public static WriteResult Unavailable(string error) => new(WriteOutcome.Unavailable, 0, null, error);

    public static WriteResult TooLarge(string error) => new(WriteOutcome.TooLarge, 0, null, error);
}

/// <summary>One put of a batch: key, value, condition and expiry, as for a single PUT.</summary>
public sealed record PutRequest(string Key, byte[] Value, WriteCondition Condition, TimeSpan? TimeToLive);

public enum DeleteOutcome
{
    Deleted,
    NotFound,
    PreconditionFailed,
}

public sealed record DeleteResult(DeleteOutcome Outcome, StoredEntry? Previous);

/// <summary>One page of keys; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record KeyPage(IReadOnlyList<string> Keys, string? NextCursor);

/// <summary>Raised when the storage medium refuses a write (disk full, I/O error).</summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null, bool diskFull = false) : Exception(message, inner)
{
    /// <summary>The medium is out of space (answered 507), as opposed to failing or going away (503).</summary>
    public bool DiskFull { get; } = diskFull;
}
