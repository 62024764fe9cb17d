namespace Counter.ServiceDefaults;

/// <summary>
/// The key prefixes web writes into the KV store, in one place for everything that reads them back:
/// web itself, the store's dump command and the AppHost's dashboard commands.
/// </summary>
public static class StoreKeyPrefixes
{
    /// <summary>Session records, under a keyed hash of the session identifier.</summary>
    public const string Sessions = "session:";

    /// <summary>The Data Protection key ring, one key per XML element.</summary>
    public const string KeyRing = "dataprotection:";
}
