namespace Counter.Tests.Campaign;

/// <summary>What a page client (a browser with its own cookies) did to its session's counter.</summary>
public enum PageOperationKind
{
    /// <summary>A page load: one increment, answered with the count it shows (a read-modify-write).</summary>
    Load,

    /// <summary>A reset: the count starts again from zero.</summary>
    Reset,
}
