using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Counter.ServiceDefaults;
using Counter.Web.KvStore;
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
/// Elements are written create-only (the store lets web's credential do nothing else there, and only
/// under the names Data Protection gives them); a name already taken must hold our own element, or
/// the write throws <see cref="KeyRingConflictException"/>. Data
/// Protection calls this synchronously and rarely (start-up, a refresh every ~24 h, a key roll
/// every ~90 days), so blocking on the async client is acceptable here.
/// </summary>
public sealed partial class KvStoreXmlRepository(IServiceProvider services) : IXmlRepository
{
    /// <summary>Where sealed, authenticated elements live.</summary>
    public const string SealedPrefix = StoreKeyPrefixes.KeyRing + "sealed:";

    private static readonly XName SealedElement = XName.Get("element", "urn:counter:keyring");

    private static readonly XName RevocationName = "revocation";

    private static readonly XmlReaderSettings SafeXml = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true };

    /// <summary>Where Data Protection marks the parts of an element that must never be stored in the clear.</summary>
    private static readonly XName RequiresEncryption = XName.Get("requiresEncryption", "http://schemas.asp.net/2015/03/dataProtection");
    private static readonly XName EncryptedSecret = XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection");

    private KvStoreClient Store => services.GetRequiredService<KvStoreClient>();

    private ILogger Logger => services.GetRequiredService<ILogger<KvStoreXmlRepository>>();

    private KeyEncryptionKey? Key => services.GetService<KeyEncryptionKey>();

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        LogLoading(Logger);
        // A Redis SCAN may return a key twice; Data Protection refuses a key it sees twice.
        var entries = Store.ListEntriesAsync(StoreKeyPrefixes.KeyRing, CancellationToken.None).GetAwaiter().GetResult()
            .DistinctBy(e => e.Key, StringComparer.Ordinal).ToList();
        var elements = new List<XElement>(entries.Count);
        if (Key is not { } key)
        {
            foreach (var entry in entries)
            {
                if (TryParse(entry.Value) is { } element)
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
        var opened = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Key.StartsWith(SealedPrefix, StringComparison.Ordinal)))
        {
            if (Open(key, entry.Key, entry.Value) is { } element)
            {
                elements.Add(element);
                opened.Add(entry.Key);
            }
            else
            {
                LogIgnored(Logger, entry.Key, $"it is not sealed under {KeyRingOptions.KeyEncryptionKeySetting} (key {key.Id})");
            }
        }
        var adoptUnsealed = services.GetRequiredService<IOptions<KeyRingOptions>>().Value.MigrateUnsealedKeys;
        foreach (var entry in entries.Where(e => !e.Key.StartsWith(SealedPrefix, StringComparison.Ordinal)))
        {
            if (opened.Contains(SealedName(entry.Key)))
            {
                continue; // Adopted already: its sealed copy was read instead.
            }
            if (adoptUnsealed && Adopt(key, entry) is { } adopted)
            {
                elements.Add(adopted);
            }
            else
            {
                LogIgnored(Logger, entry.Key, $"it is not sealed (set {KeyRingOptions.MigrateUnsealedKeysSetting}=true for one start to adopt keys written before the key ring was sealed)");
            }
        }
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var name = StoreKeyPrefixes.KeyRing + SafeName(friendlyName);
        if (Key is { } key)
        {
            name = SealedName(name);
            CreateOrFindOurs(name, Seal(key, name, element), element, key);
        }
        else
        {
            CreateOrFindOurs(name, element, element, key: null);
        }
    }

    /// <summary>
    /// Creates <paramref name="name"/> (create-only). When the name is taken, what is there must be
    /// ours: it opens under the key-encryption key (so a holder of that key wrote it for this name)
    /// and says what <paramref name="element"/> says (a retry whose answer was lost, or another
    /// replica doing the same thing); that element is returned. Anything else throws
    /// <see cref="KeyRingConflictException"/>, logged as an error: nothing the store holds may make
    /// a key-ring write vanish in silence.
    /// </summary>
    private XElement CreateOrFindOurs(string name, XElement stored, XElement element, KeyEncryptionKey? key)
    {
        var result = Store.PutIfAsync(name, Serialize(stored), version: null, timeToLive: null, CancellationToken.None).GetAwaiter().GetResult();
        if (result.Written)
        {
            return element;
        }
        var current = result.Current ?? Store.GetAsync(name, CancellationToken.None).GetAwaiter().GetResult();
        XElement? existing = null;
        if (current is not null)
        {
            var value = JsonSerializer.Deserialize<JsonElement>(current.Value);
            existing = key is null ? TryParse(value) : Open(key, name, value);
        }
        if (existing is not null && SameEffect(existing, element))
        {
            LogFoundOurs(Logger, name);
            return existing;
        }
        var conflict = new KeyRingConflictException(
            $"The key-ring entry '{name}' could not be created: the store already holds one under that name that " +
            (current is null ? "vanished when read (web's credential cannot delete key-ring entries)." :
             existing is null ? $"is not sealed under {KeyRingOptions.KeyEncryptionKeySetting}, so whoever can write the store planted it." :
             "says something else.") +
            " Remove it with the store's operations credential, then repeat what wrote it.");
        LogConflict(Logger, name, conflict);
        throw conflict;
    }

    /// <summary>
    /// The same element, or two revocations of the same key (they differ only in when and why; the
    /// store key already names the key, or the date of a revocation of every key).
    /// </summary>
    private static bool SameEffect(XElement a, XElement b) =>
        XNode.DeepEquals(a, b)
        || (a.Name == RevocationName && b.Name == RevocationName
            && (string?)a.Element("key")?.Attribute("id") is { } id && id == (string?)b.Element("key")?.Attribute("id")
            && (id != "*" || (string?)a.Element("revocationDate") == (string?)b.Element("revocationDate")));

    /// <summary>
    /// Seals an element written before sealing existed, secret and whole, under its sealed name
    /// (create-only: the original stays, ignored from now on); logs what it sealed.
    /// </summary>
    private XElement? Adopt(KeyEncryptionKey key, ListedEntry entry)
    {
        if (TryParse(entry.Value) is not { } element)
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
        var adopted = CreateOrFindOurs(name, Seal(key, name, element), element, key);
        LogAdopted(Logger, entry.Key, name);
        return adopted;
    }

    private static XElement Seal(KeyEncryptionKey key, string storeKey, XElement element) =>
        new(SealedElement, new XAttribute("kid", key.Id),
            Convert.ToBase64String(key.Seal(Encoding.UTF8.GetBytes(element.ToString(SaveOptions.DisableFormatting)), storeKey)));

    /// <summary>The element sealed under this store key by this key-encryption key; null for anything else.</summary>
    private static XElement? Open(KeyEncryptionKey key, string storeKey, JsonElement value)
    {
        if (TryParse(value) is not { } outer || outer.Name != SealedElement || (string?)outer.Attribute("kid") != key.Id)
        {
            return null;
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(key.Open(Convert.FromBase64String(outer.Value), storeKey)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or XmlException)
        {
            return null;
        }
    }

    /// <summary>
    /// The XML element a stored JSON string holds; null for anything else. Parsed before it is
    /// authenticated, so no DTD is processed (no entity expansion for whoever planted it).
    /// </summary>
    private static XElement? TryParse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }
        try
        {
            using var reader = XmlReader.Create(new StringReader(value.GetString()!), SafeXml);
            return XElement.Load(reader);
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

    [LoggerMessage(304, LogLevel.Information, "The key-ring element '{StoreKey}' was already in the store, sealed by us and saying the same: kept")]
    private static partial void LogFoundOurs(ILogger logger, string storeKey);

    [LoggerMessage(305, LogLevel.Error, "A key-ring element could not be written: '{StoreKey}' is taken by an entry that is not ours")]
    private static partial void LogConflict(ILogger logger, string storeKey, Exception exception);

    [LoggerMessage(302, LogLevel.Warning, "Adopted the unsealed key-ring element '{StoreKey}': sealed it as '{SealedKey}'")]
    private static partial void LogAdopted(ILogger logger, string storeKey, string sealedKey);
}
