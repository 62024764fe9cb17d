namespace Counter.Web.KvStore;

/// <summary>A compare-and-set write: at <see cref="Version"/>, or create-only when it is null.</summary>
public sealed record ConditionalPut(string Key, byte[] Value, string? Version, TimeSpan? TimeToLive);
