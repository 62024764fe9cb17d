namespace Counter.Web.KvStore;

/// <summary>A value read from the store with its version (what a compare-and-set names).</summary>
public sealed record VersionedValue(byte[] Value, string Version);
