namespace Counter.Tests.Campaign;

/// <summary>The condition a write carried.</summary>
public enum Precondition
{
    /// <summary>A blind write.</summary>
    None,

    /// <summary><c>If-Match: "version"</c>: compare-and-set against that version.</summary>
    IfMatch,

    /// <summary><c>If-None-Match: *</c>: create only.</summary>
    IfNoneMatch,
}
