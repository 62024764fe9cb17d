using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Counter.Web.DataProtection;

/// <summary>
/// Seals the secret part of a key-ring element (Data Protection's <c>IXmlEncryptor</c>):
/// <c>&lt;sealed kid="…"&gt;base64(nonce ‖ tag ‖ ciphertext)&lt;/sealed&gt;</c>. The whole element is
/// sealed again by <see cref="KvStoreXmlRepository"/>; this layer keeps the master key sealed inside
/// Data Protection's own processing too.
/// </summary>
public sealed class AesGcmXmlEncryptor(KeyEncryptionKey key) : IXmlEncryptor
{
    internal static readonly XName SealedName = XName.Get("sealed", "urn:counter:keyring");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBytes = key.Seal(plaintext, context: "");
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(SealedName, new XAttribute("kid", key.Id), Convert.ToBase64String(sealedBytes));
        return new EncryptedXmlInfo(element, typeof(AesGcmXmlDecryptor));
    }
}
