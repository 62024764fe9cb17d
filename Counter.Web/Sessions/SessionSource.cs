namespace Counter.Web.Sessions;

/// <summary>Where a loaded session value came from.</summary>
public enum SessionSource
{
    /// <summary>A GET to the store.</summary>
    Store,

    /// <summary>This replica's <see cref="SessionCache"/>: no store call; the save's version check validates it.</summary>
    Cache,

    /// <summary>The value the store sent back with a 412 (the write that won): no extra call.</summary>
    Conflict,
}
