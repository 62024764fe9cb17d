namespace Counter.KvStore.Storage;

public enum DeleteOutcome
{
    Deleted,
    NotFound,
    PreconditionFailed,
}
