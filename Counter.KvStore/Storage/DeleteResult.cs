namespace Counter.KvStore.Storage;

public sealed record DeleteResult(DeleteOutcome Outcome, StoredEntry? Previous);
