namespace Counter.Tests.Campaign;

/// <summary>What a store client did to a key through the <c>/v1</c> API.</summary>
public enum StoreOperationKind
{
    Read,

    /// <summary>A <c>PUT</c>, or one put of a <c>/v1/batch</c> (which then carries the batch's times).</summary>
    Put,

    Delete,
}
