using Counter.Tests.Infrastructure;
using System.Buffers.Text;
using System.Text.Json;
using Counter.Web.DataProtection;
using Counter.Web.Sessions;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;

namespace Counter.Tests.Security;

/// <summary>
/// With a key-encryption key, cookie mode trusts only key-ring elements sealed under it. What whoever
/// can write the store plants (a plain key with a recent activation date, a revocation of every key,
/// either under a plain or a sealed-looking name) is ignored: a cookie minted with the planted key is
/// a fresh session, and existing cookies still read. Elements written before sealing existed are
/// adopted only when <c>KeyRing:MigrateUnsealedKeys</c> asks for it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyRingAuthenticationTests
{
    private const string Count = "count";

    [Fact]
    public async Task APlantedKeyAndRevocationAreIgnoredAndACookieMintedWithThePlantedKeyIsAFreshSession()
    {
        await using var store = new InProcessKvStore();
        var victim = await NewSessionAsync(store, settings: null);
        var (plantedKey, forged) = MintWithOwnKey(Count, 41);
        var revocation = new System.Xml.Linq.XElement("revocation", new System.Xml.Linq.XAttribute("version", 1),
            new System.Xml.Linq.XElement("revocationDate", DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            new System.Xml.Linq.XElement("key", new System.Xml.Linq.XAttribute("id", "*")),
            new System.Xml.Linq.XElement("reason", "planted")).ToString();
        foreach (var name in new[] { "dataprotection:", KvStoreXmlRepository.SealedPrefix })
        {
            await store.PlantAsync(name + "key-planted", JsonSerializer.Serialize(plantedKey));
            await store.PlantAsync(name + "revocation-planted", JsonSerializer.Serialize(revocation));
        }

        await using var replica = new WebReplica(store, "Cookie");
        var forgedRequest = WebReplica.Request(forged);
        var forgedSession = await replica.Sessions.UpdateAsync(forgedRequest, Increment, CancellationToken.None);
        var victimRequest = WebReplica.Request(victim);
        var victimSession = await replica.Sessions.UpdateAsync(victimRequest, Increment, CancellationToken.None);

        Assert.Equal(1, forgedSession.GetInt32(Count)); // Not 42: the planted key opened nothing.
        Assert.Equal(2, victimSession.GetInt32(Count)); // Not 1: the planted revocation revoked nothing.
    }

    [Fact]
    public async Task UnsealedKeysAreIgnoredUntilMigrationIsAskedForAndThenSealedUnderNewNames()
    {
        await using var store = new InProcessKvStore();
        var cookie = await NewSessionAsync(store, new Dictionary<string, string?> { [KeyRingOptions.KeyEncryptionKeySetting] = null });
        var plainNames = (await store.KeysAsync()).Where(k => k.StartsWith("dataprotection:", StringComparison.Ordinal)).ToList();
        Assert.Contains("<masterKey", await ElementAsync(store, Assert.Single(plainNames)), StringComparison.Ordinal);

        await using (var sealedOnly = new WebReplica(store, "Cookie"))
        {
            var refused = await sealedOnly.Sessions.UpdateAsync(WebReplica.Request(cookie), Increment, CancellationToken.None);
            Assert.Equal(1, refused.GetInt32(Count));
        }
        await using var migrating = new WebReplica(store, "Cookie", new Dictionary<string, string?> { [KeyRingOptions.MigrateUnsealedKeysSetting] = "true" });
        var adopted = await migrating.Sessions.UpdateAsync(WebReplica.Request(cookie), Increment, CancellationToken.None);

        Assert.Equal(2, adopted.GetInt32(Count));
        var sealedCopy = await ElementAsync(store, KvStoreXmlRepository.SealedPrefix + plainNames[0]["dataprotection:".Length..]);
        Assert.DoesNotContain("masterKey", sealedCopy, StringComparison.Ordinal);
        Assert.Contains("<masterKey", await ElementAsync(store, plainNames[0]), StringComparison.Ordinal); // Web never rewrites an entry.
    }

    /// <summary>The key-ring element stored under <paramref name="key"/>, as XML text.</summary>
    private static async Task<string> ElementAsync(InProcessKvStore store, string key) =>
        JsonSerializer.Deserialize<string>(await store.ReadAsync(key) ?? throw new Xunit.Sdk.XunitException($"Nothing is stored under '{key}'."))!;

    /// <summary>A cookie session counted once by a fresh replica; answers its cookie.</summary>
    private static async Task<string> NewSessionAsync(InProcessKvStore store, IReadOnlyDictionary<string, string?>? settings)
    {
        await using var replica = new WebReplica(store, "Cookie", settings);
        var request = WebReplica.Request(null);
        await replica.Sessions.UpdateAsync(request, Increment, CancellationToken.None);
        return WebReplica.IssuedId(request)!;
    }

    /// <summary>A key made outside the app (as an attacker would), and a cookie it protects.</summary>
    private static (string KeyXml, string Cookie) MintWithOwnKey(string name, int value)
    {
        var folder = Directory.CreateTempSubdirectory("counter-planted-key-");
        try
        {
            var provider = DataProtectionProvider.Create(folder, builder => builder
                .SetApplicationName(DataProtectionSetup.ApplicationName)
                .UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration { EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM }));
            var data = new SessionData();
            data.SetInt32(name, value);
            var now = DateTimeOffset.UtcNow;
            var protector = provider.CreateProtector("Counter.Web.Sessions.Cookie.v1");
            var cookie = Base64Url.EncodeToString(protector.Protect(new SessionRecord(now, now, data).Serialize()));
            return (File.ReadAllText(Assert.Single(folder.GetFiles("key-*.xml")).FullName), cookie);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static void Increment(SessionData data) => data.SetInt32(Count, data.GetInt32(Count) + 1);
}
