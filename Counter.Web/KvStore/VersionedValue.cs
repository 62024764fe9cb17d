namespace Counter.Web.KvStore;

/// <summary>A value read from the store with its version (the ETag used for compare-and-set).</summary>
public sealed record VersionedValue(byte[] Value, string ETag);
