using System.Text.Json;
using System.Xml.Linq;
using Counter.ServiceDefaults;
using Counter.Web.KvClient;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Counter.Web.DataProtection;

/// <summary>
/// Keeps the Data Protection key ring in the KV store (one key per XML element, under
/// "dataprotection:"), so every web replica can read session cookies that any other
/// replica wrote. New elements are written create-only; the one rewrite is
/// <see cref="SealPlainElementsAsync"/>, conditional on the version it read.
/// Data Protection calls this synchronously and rarely (start-up, key roll every ~90 days, an
/// unknown key id), so blocking on the async client is acceptable here.
/// </summary>
public sealed partial class KvStoreXmlRepository(IServiceProvider services) : IXmlRepository
{
    /// <summary>Where Data Protection marks the parts of an element that must never be stored in the clear.</summary>
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", "http://schemas.asp.net/2015/03/dataProtection");
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var store = services.GetRequiredService<KvStoreClient>();
        LogLoading(services.GetRequiredService<ILogger<KvStoreXmlRepository>>());
        var entries = store.ListEntriesAsync(StoreKeyPrefixes.KeyRing, CancellationToken.None).GetAwaiter().GetResult();
        return [.. entries.Select(e => XElement.Parse(e.Value.GetString()!))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var store = services.GetRequiredService<KvStoreClient>();
        var key = StoreKeyPrefixes.KeyRing + SafeName(friendlyName);
        store.PutIfAsync(key, Serialize(element), ifMatch: null, timeToLive: null, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Seals every key element written before the key ring was encrypted (by an older version, or
    /// without DataProtection:KeyEncryptionKey) in place: the same key, the same id and dates, its
    /// master key now sealed, so cookies it protected still read. A replica that loses the race to
    /// another doing the same finds the element already sealed. Answers how many it sealed.
    /// </summary>
    public async Task<int> SealPlainElementsAsync(IXmlEncryptor encryptor, CancellationToken cancellationToken)
    {
        var store = services.GetRequiredService<KvStoreClient>();
        var sealedCount = 0;
        foreach (var entry in await store.ListEntriesAsync(StoreKeyPrefixes.KeyRing, cancellationToken))
        {
            var element = XElement.Parse(entry.Value.GetString()!);
            var plain = element.DescendantsAndSelf().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList();
            if (plain.Count == 0)
            {
                continue;
            }
            foreach (var secret in plain)
            {
                var encrypted = encryptor.Encrypt(new XElement(secret));
                secret.ReplaceWith(new XElement(EncryptedSecret,
                    new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!), encrypted.EncryptedElement));
            }
            var result = await store.PutIfAsync(entry.Key, Serialize(element), entry.ETag, timeToLive: null, cancellationToken);
            sealedCount += result.Written ? 1 : 0;
        }
        return sealedCount;
    }

    private static byte[] Serialize(XElement element) => JsonSerializer.SerializeToUtf8Bytes(element.ToString(SaveOptions.DisableFormatting));

    // Friendly names are "key-<guid>"; keep only characters the store accepts in keys.
    private static string SafeName(string friendlyName) =>
        string.Concat(friendlyName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));

    [LoggerMessage(301, LogLevel.Information, "Loading the Data Protection key ring from the store")]
    private static partial void LogLoading(ILogger logger);
}
