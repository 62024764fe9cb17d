using System.Security.Cryptography;
using System.Text;

namespace Counter.Web.DataProtection;

/// <summary>
/// The key-encryption key that seals and authenticates the Data Protection key ring at rest:
/// AES-256-GCM under a key derived (HKDF-SHA256) from the AppHost's generated
/// <c>KeyRing:KeyEncryptionKey</c>. The store (and every dump or backup of it) then holds
/// only sealed master keys, and an element written without this key cannot pass for one written with it.
/// </summary>
public sealed class KeyEncryptionKey
{
    private static readonly byte[] Purpose = "Counter.Web key ring v1"u8.ToArray();
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    public KeyEncryptionKey(string secret)
    {
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: Purpose);
        // Names the key without revealing it, so a sealed element says which key it needs.
        Id = Convert.ToHexStringLower(SHA256.HashData(_key))[..16];
    }

    public string Id { get; }

    /// <summary>
    /// nonce ‖ tag ‖ ciphertext of <paramref name="plaintext"/>, bound to <paramref name="context"/>
    /// (authenticated, not stored: opening needs the same context).
    /// </summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, string context)
    {
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), AssociatedData(context));
        return sealedBytes;
    }

    /// <summary>What <see cref="Seal"/> sealed with the same context; throws <see cref="CryptographicException"/> otherwise.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes, string context)
    {
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The sealed value is too short.");
        }
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[(NonceSize + TagSize)..], sealedBytes.Slice(NonceSize, TagSize), plaintext, AssociatedData(context));
        return plaintext;
    }

    // An empty context authenticates the purpose alone (how master-key secrets have always been sealed).
    private static byte[] AssociatedData(string context) => context.Length == 0 ? Purpose : [.. Purpose, 0, .. Encoding.UTF8.GetBytes(context)];
}
