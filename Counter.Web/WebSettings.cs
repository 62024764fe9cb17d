namespace Counter.Web;

/// <summary>Web's settings as a whole, before any part reads them.</summary>
public static class WebSettings
{
    /// <summary>Settings that moved when each concept got one word: old name → new name (docs/configuration.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> Moved = new Dictionary<string, string>
    {
        ["KvClient:BaseAddress"] = "KvStoreClient:BaseAddress",
        ["KvClient:Credential"] = "KvStoreClient:Credential",
        ["KvClient:RequestBudget"] = "KvStoreClient:RequestBudget",
        ["KvClient:AttemptTimeout"] = "KvStoreClient:AttemptTimeout",
        ["KvClient:MaxWritesInFlight"] = "KvStoreClient:MaxWritesInFlight",
        ["KvClient:MaxBatchSize"] = "KvStoreClient:MaxBatchSize",
        ["KvClient:MaxBatchBytes"] = "KvStoreClient:MaxBatchBytes",
        ["DataProtection:KeyEncryptionKey"] = "KeyRing:KeyEncryptionKey",
        ["DataProtection:MigrateUnsealedKeys"] = "KeyRing:MigrateUnsealedKeys",
    };
}
