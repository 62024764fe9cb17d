using Counter.Web.KvStore;

namespace Counter.Web.Sessions;

/// <summary>The answer to a compare-and-set save, and the size of the value sent.</summary>
public sealed record SavedSession(PutResult Result, int Bytes)
{
    public bool Written => Result.Written;
}
