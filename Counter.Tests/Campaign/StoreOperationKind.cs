namespace Counter.Tests.Campaign;

/// <summary>What a store client did to a key through the <c>/v1</c> API.</summary>
public enum StoreOperationKind
{
    Read,

    /// <summary>A <c>PUT</c>, or one put of a <c>/v1/batch</c> (which then carries the batch's times).</summary>
    Put,

    Delete,

    /// <summary>
    /// Not a client's: the checker's stand-in for a step of the store's wall clock ahead, past every
    /// write's ttl. The live value is hidden (reads see the key absent, a create may replace it) until
    /// <see cref="Reveal"/>; docs/guarantees.md allows that, never a loss.
    /// </summary>
    Hide,

    /// <summary>Not a client's: the clock set right again; a value <see cref="Hide"/> hid is there again.</summary>
    Reveal,
}
