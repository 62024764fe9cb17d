namespace Counter.Web.DataProtection;

/// <summary>How cookie mode's Data Protection key ring is kept. Bound from the "DataProtection" section.</summary>
public sealed class KeyRingOptions
{
    public const string SectionName = "DataProtection";

    /// <summary>
    /// Seals every master key (AES-256-GCM, HKDF-derived from this) before it reaches the store; the
    /// AppHost generates it. At least 32 characters; empty stores keys plain, which Production refuses.
    /// </summary>
    public string? KeyEncryptionKey { get; set; }
}
