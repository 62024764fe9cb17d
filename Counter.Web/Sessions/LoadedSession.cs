namespace Counter.Web.Sessions;

/// <summary>
/// A loaded session: its record (null when there is no live session), its version, where it came
/// from, and the size of the stored value (0 from the cache).
/// </summary>
public sealed record LoadedSession(SessionRecord? Record, string? Version, SessionSource From, int Bytes)
{
    public static LoadedSession Absent { get; } = new(null, null, SessionSource.Store, 0);
}
