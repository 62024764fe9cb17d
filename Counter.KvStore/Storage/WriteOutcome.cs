namespace Counter.KvStore.Storage;

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
