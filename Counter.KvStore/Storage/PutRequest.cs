namespace Counter.KvStore.Storage;

/// <summary>One put of a batch: key, value, condition and expiry, as for a single PUT.</summary>
public sealed record PutRequest(string Key, byte[] Value, WriteCondition Condition, TimeSpan? TimeToLive);
