namespace Counter.KvStore.Storage;

/// <summary>One page of keys; <see cref="NextCursor"/> is null on the last page.</summary>
public sealed record KeyPage(IReadOnlyList<string> Keys, string? NextCursor);
