namespace Counter.KvStore.Storage;

/// <summary>One stored value. <paramref name="Value"/> is UTF-8 JSON, validated on the way in.</summary>
public sealed record StoredEntry(string Key, byte[] Value, long Version, DateTimeOffset? ExpiresAt);
