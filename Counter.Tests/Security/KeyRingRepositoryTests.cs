using System.Text.Json;
using System.Xml.Linq;
using Counter.KvStore.Api;
using Counter.Tests.Infrastructure;
using Counter.Web.DataProtection;
using Counter.Web.Sessions;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;

namespace Counter.Tests.Security;

/// <summary>
/// How the key ring's store repository writes and reads under what a stolen web credential or the
/// store itself can do: a create-only write that finds its name taken fails loudly unless what is
/// there is ours (it opens under the key-encryption key and says the same thing); a key the
/// listing returns twice is read once.
/// </summary>
[Trait("Category", "Unit")]
public sealed class KeyRingRepositoryTests
{
    private const string Count = "count";

    [Fact]
    public async Task ARevocationWhoseNameWasPlantedFailsLoudlyInsteadOfBeingDropped()
    {
        await using var store = new InProcessKvStore();
        await using var replica = new WebReplica(store, "Cookie");
        var keyId = await FirstKeyAsync(replica);
        // Every cookie shows its key id, so whoever holds web's credential can take the name first.
        var name = KvStoreXmlRepository.SealedPrefix + $"revocation-{keyId:D}";
        await store.PlantAsync(name, JsonSerializer.Serialize("<planted/>"));

        var keys = replica.Services.GetRequiredService<IKeyManager>();
        var refused = Assert.Throws<KeyRingConflictException>(() => keys.RevokeKey(keyId, "compromised"));

        Assert.Contains(name, refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(keys.GetAllKeys(), k => k.IsRevoked); // Nothing pretends the key is revoked.
    }

    [Fact]
    public async Task AWriteThatFindsItsOwnElementAlreadyThereSucceeds()
    {
        await using var store = new InProcessKvStore();
        await using var replica = new WebReplica(store, "Cookie");
        var keyId = await FirstKeyAsync(replica);
        var repository = replica.Services.GetRequiredService<KvStoreXmlRepository>();
        var revocation = new XElement("revocation", new XAttribute("version", 1),
            new XElement("revocationDate", "2030-01-01T00:00:00+00:00"),
            new XElement("key", new XAttribute("id", keyId)),
            new XElement("reason", "compromised"));

        repository.StoreElement(revocation, $"revocation-{keyId:D}");
        repository.StoreElement(new XElement(revocation), $"revocation-{keyId:D}"); // A retry whose first answer was lost.
        // Another replica revoking the same key at another moment: the same effect.
        revocation.Element("revocationDate")!.Value = "2030-01-02T00:00:00+00:00";
        repository.StoreElement(revocation, $"revocation-{keyId:D}");

        Assert.Single(await store.KeysAsync(), k => k.Contains("revocation-", StringComparison.Ordinal));
        Assert.Contains(replica.Services.GetRequiredService<IKeyManager>().GetAllKeys(), k => k.KeyId == keyId && k.IsRevoked);
    }

    [Fact]
    public async Task AKeyTheListingReturnsTwiceIsReadOnce()
    {
        await using var store = new InProcessKvStore();
        string cookie;
        await using (var first = new WebReplica(store, "Cookie"))
        {
            var request = WebReplica.Request(null);
            await first.Sessions.UpdateAsync(request, Increment, CancellationToken.None);
            cookie = WebReplica.IssuedId(request)!;
        }
        foreach (var key in await store.KeysAsync())
        {
            store.ListedTwice.Add(key);
        }

        await using var replica = new WebReplica(store, "Cookie");
        var session = await replica.Sessions.UpdateAsync(WebReplica.Request(cookie), Increment, CancellationToken.None);

        Assert.Equal(2, session.GetInt32(Count)); // Not 1: the ring loaded, so the cookie opened.
        Assert.Single(replica.Services.GetRequiredService<KvStoreXmlRepository>().GetAllElements());
    }

    [Fact]
    public async Task EveryEntryWebWritesIsOneTheStoreLetsWebCreate()
    {
        await using var store = new InProcessKvStore();
        await using var replica = new WebReplica(store, "Cookie");
        var keyId = await FirstKeyAsync(replica);
        var keys = replica.Services.GetRequiredService<IKeyManager>();
        keys.RevokeKey(keyId, "compromised");
        keys.RevokeAllKeys(DateTimeOffset.UtcNow, "all of them");

        var names = await store.KeysAsync();
        Assert.Equal(3, names.Count);
        foreach (var name in names)
        {
            Assert.True(KeyRingWriteRule.IsRingName(name), $"The store would refuse web's '{name}'.");
            var bytes = System.Text.Encoding.UTF8.GetByteCount((await store.ReadAsync(name))!);
            Assert.True(bytes * 4 < KeyRingWriteRule.MaxValueBytes, $"'{name}' is {bytes} bytes: too close to the store's bound of {KeyRingWriteRule.MaxValueBytes}.");
        }
    }

    /// <summary>The id of the key the replica's first session was sealed with.</summary>
    private static async Task<Guid> FirstKeyAsync(WebReplica replica)
    {
        await replica.Sessions.UpdateAsync(WebReplica.Request(null), Increment, CancellationToken.None);
        return Assert.Single(replica.Services.GetRequiredService<IKeyManager>().GetAllKeys()).KeyId;
    }

    private static void Increment(SessionData data) => data.SetInt32(Count, data.GetInt32(Count) + 1);
}
