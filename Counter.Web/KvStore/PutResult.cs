namespace Counter.Web.KvStore;

/// <summary>
/// The answer to a compare-and-set write: the new version when it was written; otherwise the value that
/// won (<see cref="Current"/>, null when the key is absent), sent back by the store with its 412.
/// </summary>
public sealed record PutResult(string? Version, VersionedValue? Current)
{
    public bool Written => Version is not null;
}
