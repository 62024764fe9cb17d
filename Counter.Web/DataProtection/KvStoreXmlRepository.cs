using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Counter.ServiceDefaults;
using Counter.Web.KvClient;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Counter.Web.DataProtection;

/// <summary>
/// Keeps the Data Protection key ring in the KV store (one key per XML element, under
/// "dataprotection:"), so every web replica can read session cookies that any other replica wrote.
/// <para>
/// With a <see cref="KeyEncryptionKey"/>, every element is sealed whole (AES-256-GCM, bound to its
/// store key) under "dataprotection:sealed:", and only elements that open are handed to Data
/// Protection: a key or revocation planted by whoever can write the store but does not hold the
/// key-encryption key is ignored with a warning, never used and never sealed. Elements written
/// before sealing existed are adopted only when <see cref="KeyRingOptions.MigrateUnsealedKeys"/>
/// asks for it. Without the key (Development only), elements are stored and read plain.
/// </para>
/// Elements are written create-only (the store lets web's credential do nothing else there). Data
/// Protection calls this synchronously and rarely (start-up, a refresh every ~24 h, a key roll
/// every ~90 days), so blocking on the async client is acceptable here.
/// </summary>
public sealed partial class KvStoreXmlRepository(IServiceProvider services) : IXmlRepository
{
    /// <summary>Where sealed, authenticated elements live.</summary>
    public const string SealedPrefix = StoreKeyPrefixes.KeyRing + "sealed:";

    private static readonly XName SealedElement = XName.Get("element", "urn:counter:keyring");

    /// <summary>Where Data Protection marks the parts of an element that must never be stored in the clear.</summary>
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", "http://schemas.asp.net/2015/03/dataProtection");
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");

    private KvStoreClient Store => services.GetRequiredService<KvStoreClient>();

    private ILogger Logger => services.GetRequiredService<ILogger<KvStoreXmlRepository>>();

    private KeyEncryptionKey? Key => services.GetService<KeyEncryptionKey>();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        LogLoading(Logger);
        var entries = Store.ListEntriesAsync(StoreKeyPrefixes.KeyRing, CancellationToken.None).GetAwaiter().GetResult();
        var elements = new List<XElement>(entries.Count);
        if (Key is not { } key)
        {
            foreach (var entry in entries)
            {
                if (TryParse(entry) is { } element)
                {
                    elements.Add(element);
                }
                else
                {
                    LogIgnored(Logger, entry.Key, "it is not an XML element");
                }
            }
            return elements;
        }
        var storeKeys = entries.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var adoptUnsealed = services.GetRequiredService<IOptions<KeyRingOptions>>().Value.MigrateUnsealedKeys;
        foreach (var entry in entries)
        {
            if (entry.Key.StartsWith(SealedPrefix, StringComparison.Ordinal))
            {
                if (Open(key, entry) is { } opened)
                {
                    elements.Add(opened);
                }
                else
                {
                    LogIgnored(Logger, entry.Key, $"it is not sealed under {KeyRingOptions.KeyEncryptionKeySetting} (key {key.Id})");
                }
            }
            else if (!storeKeys.Contains(SealedName(entry.Key)))
            {
                if (adoptUnsealed && Adopt(key, entry) is { } adopted)
                {
                    elements.Add(adopted);
                }
                else
                {
                    LogIgnored(Logger, entry.Key, $"it is not sealed (set {KeyRingOptions.MigrateUnsealedKeysSetting}=true for one start to adopt keys written before the key ring was sealed)");
                }
            }
            // Otherwise it is an element already adopted: its sealed copy is read instead.
        }
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var name = StoreKeyPrefixes.KeyRing + SafeName(friendlyName);
        if (Key is { } key)
        {
            name = SealedName(name);
            element = Seal(key, name, element);
        }
        Store.PutIfAsync(name, Serialize(element), ifMatch: null, timeToLive: null, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Seals an element written before sealing existed, secret and whole, under its sealed name
    /// (create-only: the original stays, ignored from now on); logs what it sealed.
    /// </summary>
    private XElement? Adopt(KeyEncryptionKey key, ListedEntry entry)
    {
        if (TryParse(entry) is not { } element)
        {
            return null;
        }
        var encryptor = services.GetRequiredService<AesGcmXmlEncryptor>();
        foreach (var secret in element.DescendantsAndSelf().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList())
        {
            var encrypted = encryptor.Encrypt(new XElement(secret));
            secret.ReplaceWith(new XElement(EncryptedSecret,
                new XAttribute("decryptorType", encrypted.DecryptorType.AssemblyQualifiedName!), encrypted.EncryptedElement));
        }
        var name = SealedName(entry.Key);
        Store.PutIfAsync(name, Serialize(Seal(key, name, element)), ifMatch: null, timeToLive: null, CancellationToken.None).GetAwaiter().GetResult();
        LogAdopted(Logger, entry.Key, name);
        return element;
    }

    private static XElement Seal(KeyEncryptionKey key, string storeKey, XElement element) =>
        new(SealedElement, new XAttribute("kid", key.Id),
            Convert.ToBase64String(key.Seal(Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)), storeKey)));

    /// <summary>The element sealed under this store key by this key-encryption key; null for anything else.</summary>
    private static XElement? Open(KeyEncryptionKey key, ListedEntry entry)
    {
        if (TryParse(entry) is not { } outer || outer.Name != SealedElement || (string?)outer.Attribute("kid") != key.Id)
        {
            return null;
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(key.Open(Convert.FromBase64String(outer.Value), entry.Key)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or XmlException)
        {
            return null;
        }
    }

    private static XElement? TryParse(ListedEntry entry)
    {
        try
        {
            return entry.Value.ValueKind == JsonValueKind.String ? XElement.Parse(entry.Value.GetString()!) : null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private static string SealedName(string storeKey) => SealedPrefix + storeKey[StoreKeyPrefixes.KeyRing.Length..];

    private static byte[] Serialize(XElement element) => JsonSerializer.SerializeToUtf8Bytes(element.ToString(SaveOptions.DisableFormatting));

    // Friendly names are "key-<guid>" and "revocation-…"; keep only characters the store accepts in keys.
    private static string SafeName(string friendlyName) =>
        string.Concat(friendlyName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));

    [LoggerMessage(301, LogLevel.Information, "Loading the Data Protection key ring from the store")]
    private static partial void LogLoading(ILogger logger);

    [LoggerMessage(303, LogLevel.Warning, "Ignored the key-ring element '{StoreKey}': {Reason}")]
    private static partial void LogIgnored(ILogger logger, string storeKey, string reason);

    [LoggerMessage(302, LogLevel.Warning, "Adopted the unsealed key-ring element '{StoreKey}': sealed it as '{SealedKey}'")]
    private static partial void LogAdopted(ILogger logger, string storeKey, string sealedKey);
}
