namespace Counter.Web.DataProtection;

/// <summary>How cookie mode's Data Protection key ring is kept. Bound from the "KeyRing" section.</summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "KeyRing";
    public const string KeyEncryptionKeySetting = SectionName + ":" + nameof(KeyEncryptionKey);
    public const string MigrateUnsealedKeysSetting = SectionName + ":" + nameof(MigrateUnsealedKeys);

    /// <summary>
    /// Seals and authenticates every key-ring element (AES-256-GCM, HKDF-derived from this) before it
    /// reaches the store; elements not sealed with it are ignored. The AppHost generates it. At least
    /// 32 characters; empty stores keys plain, which Production refuses.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }

    /// <summary>
    /// Adopts key-ring elements written before sealing existed (or without the key-encryption key):
    /// each is sealed under a new name and logged. Turn on for one start after the upgrade, when you
    /// trust what the store holds, then off: while on, whatever can write the store can add a key.
    /// </summary>
    public bool MigrateUnsealedKeys { get; set; }
}
