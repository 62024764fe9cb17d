using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Counter.Web.DataProtection;

/// <summary>
/// Opens what <see cref="AesGcmXmlEncryptor"/> sealed. Data Protection creates it by type name with
/// the service provider, so it finds the key there.
/// </summary>
public sealed class AesGcmXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        var key = services.GetService<KeyEncryptionKey>()
            ?? throw new InvalidOperationException("The key ring is sealed, but KeyRing:KeyEncryptionKey is not set.");
        if ((string?)encryptedElement.Attribute("kid") != key.Id)
        {
            throw new CryptographicException($"A key-ring element is sealed with key {(string?)encryptedElement.Attribute("kid")}, but KeyRing:KeyEncryptionKey is key {key.Id}.");
        }
        var plaintext = key.Open(Convert.FromBase64String(encryptedElement.Value), context: "");
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
