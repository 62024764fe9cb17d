using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Counter.Web.DataProtection;

/// <summary>
/// The key-encryption key that seals the Data Protection key ring at rest: AES-256-GCM under a key
/// derived (HKDF-SHA256) from the AppHost's generated <c>DataProtection:KeyEncryptionKey</c>. The
/// store (and every dump or backup of it) then holds only sealed master keys.
/// </summary>
public sealed class KeyEncryptionKey
{
    private static readonly byte[] Purpose = "Counter.Web key ring v1"u8.ToArray();

    public KeyEncryptionKey(string secret)
    {
        Key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: [], info: Purpose);
        // Names the key without revealing it, so a sealed element says which key it needs.
        Id = Convert.ToHexStringLower(SHA256.HashData(Key))[..16];
    }

    internal byte[] Key { get; }

    public string Id { get; }

    internal static ReadOnlySpan<byte> AssociatedData => Purpose;
}

/// <summary>Seals a key-ring element: <c>&lt;sealed kid="…"&gt;base64(nonce ‖ tag ‖ ciphertext)&lt;/sealed&gt;</c>.</summary>
public sealed class AesGcmXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    internal static readonly XName SealedName = XName.Get("sealed", "urn:counter:keyring");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = new byte[AesGcm.NonceByteSizes.MaxSize + AesGcm.TagByteSizes.MaxSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var tag = sealedBytes.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key.Key, tag.Length))
        {
            aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(nonce.Length + tag.Length), tag, KeyEncryptionKey.AssociatedData);
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(SealedName, new XAttribute("kid", key.Id), Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}

/// <summary>
/// Opens what <see cref="AesGcmXmlEncryptor"/> sealed. Data Protection creates it by type name with
/// the service provider, so it finds the key there.
/// </summary>
public sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetService<KeyEncryptionKey>()
            ?? throw new InvalidOperationException("The key ring is sealed, but DataProtection:KeyEncryptionKey is not set.");
        if ((string?)encryptedElement.Attribute("kid") != key.Id)
        {
            throw new CryptographicException($"A key-ring element is sealed with key {(string?)encryptedElement.Attribute("kid")}, but DataProtection:KeyEncryptionKey is key {key.Id}.");
        }
        var sealedBytes = Convert.FromBase64String(encryptedElement.Value);
        var nonce = sealedBytes.AsSpan(0, AesGcm.NonceByteSizes.MaxSize);
        var tag = sealedBytes.AsSpan(nonce.Length, AesGcm.TagByteSizes.MaxSize);
        var ciphertext = sealedBytes.AsSpan(nonce.Length + tag.Length);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key.Key, tag.Length))
        {
            aes.Decrypt(nonce, ciphertext, tag, plaintext, KeyEncryptionKey.AssociatedData);
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
