namespace Counter.Web.KvClient;

/// <summary>A value read from the store with its version (the ETag used for compare-and-set).</summary>
public sealed record VersionedValue(byte[] Value, string ETag);

/// <summary>One entry of a listing: its key, JSON value and version (the ETag a compare-and-set names).</summary>
public sealed record ListedEntry(string Key, System.Text.Json.JsonElement Value, string ETag);

/// <summary>A compare-and-set write: at <see cref="IfMatch"/>, or create-only when it is null.</summary>
public sealed record ConditionalPut(string Key, byte[] Value, string? IfMatch, TimeSpan? TimeToLive);

/// <summary>
/// The answer to a compare-and-set write: the new ETag when it was written; otherwise the value that
/// won (<see cref="Current"/>, null when the key is absent), sent back by the store with its 412.
/// </summary>
public sealed record PutResult(string? ETag, VersionedValue? Current)
{
    public bool Written => ETag is not null;
}

/// <summary>
/// The store gave no usable answer in time: refused, timed out, circuit open, 5xx, 401, or a
/// malformed reply. The operation may or may not have been applied; callers that must not lose a
/// write treat it as not acknowledged.
/// </summary>
public sealed class KvStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
