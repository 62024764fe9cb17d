namespace Counter.Web.Sessions;

/// <summary>
/// The session a request works on: the identifier its cookie carries and the storage key derived from
/// it; <see cref="IsNew"/> when this request issued it (its cookie is set when it is first saved).
/// </summary>
public sealed record SessionKey(string Identifier, string StorageKey, bool IsNew)
{
    /// <summary>The non-reversible tag telemetry shows instead of the key (see <see cref="SessionIdentifiers.Tag"/>).</summary>
    public string Tag => SessionIdentifiers.Tag(StorageKey);
}
