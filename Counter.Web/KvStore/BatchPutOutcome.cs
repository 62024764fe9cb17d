namespace Counter.Web.KvStore;

/// <summary>One put of a batch: its result, or the failure of that put alone (the others may have been written).</summary>
internal readonly record struct BatchPutOutcome(PutResult? Result, Exception? Failure);
