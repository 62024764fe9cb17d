using Counter.ServiceDefaults;

namespace Counter.Web.Sessions;

/// <summary>
/// The key a session's record is stored under: a keyed hash of its identifier (see
/// <see cref="SessionIdentifiers"/>), so the store never sees anything a cookie could replay.
/// </summary>
public readonly record struct StorageKey(string Value)
{
    /// <summary>A short, non-reversible tag for telemetry: lets a reader follow one session without learning its key.</summary>
    public string Tag => Value.Substring(StoreKeyPrefixes.Sessions.Length, 8);
}
