using System.Text.Json;
using System.Xml.Linq;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// Cookie mode's Data Protection key ring is sealed and authenticated at rest: the store (and so any
/// dump or backup) never holds a usable master key, and web trusts only what it sealed. A key ring
/// kept plain is adopted when <c>KeyRing:MigrateUnsealedKeys</c> asks for it, and the cookies
/// its keys protected still read (without the setting they are ignored: see KeyRingAuthenticationTests).
/// </summary>
public sealed class KeyRingMigrationTests
{
    [Fact]
    public async Task APlainKeyRingIsSealedUnderNewNamesWhenMigrationIsAskedForAndItsCookiesStillRead()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "keyring-" + Guid.NewGuid().ToString("N"));
        string cookie;

        // 1. The old way: no key-encryption key, so the key ring is stored plain.
        await using (var before = new CookieModeAppOnFolder(dataPath, plainKeyRing: true))
        {
            await before.InitializeAsync();
            using var browser = before.CreateBrowser();
            await browser.LoadCounterAsync();
            Assert.Equal(2, await browser.LoadCounterAsync());
            cookie = browser.SessionCookie!;
            var plain = await KeyRingAsync(before);
            Assert.NotEmpty(plain);
            Assert.All(plain, element => Assert.Contains("<masterKey", element.Value, StringComparison.Ordinal));
        }

        // 2. The same store with the AppHost's key-encryption key, asked to migrate.
        await using var after = new CookieModeAppOnFolder(dataPath, plainKeyRing: false);
        try
        {
            await after.InitializeAsync();
            using var returning = after.CreateBrowser();
            returning.SetSessionCookie(cookie);
            Assert.Equal(3, await returning.LoadCounterAsync());

            var keyRing = await KeyRingAsync(after);
            var sealedCopies = keyRing.Where(e => e.Key.StartsWith("dataprotection:sealed:", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(sealedCopies);
            Assert.All(sealedCopies, element =>
            {
                Assert.Equal(XName.Get("element", "urn:counter:keyring"), XElement.Parse(element.Value).Name);
                Assert.DoesNotContain("masterKey", element.Value, StringComparison.Ordinal);
            });
            // Every original is still there (web may not rewrite key-ring entries), each with its sealed copy.
            Assert.All(keyRing.Where(e => !sealedCopies.Contains(e)), plain =>
                Assert.Contains(sealedCopies, e => e.Key == "dataprotection:sealed:" + plain.Key["dataprotection:".Length..]));
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    /// <summary>The key-ring entries as the store holds them (store key → element), read with the operations credential.</summary>
    private static async Task<IReadOnlyList<KeyValuePair<string, string>>> KeyRingAsync(CounterAppFixture app)
    {
        using var store = app.CreateStoreClient();
        var dump = await store.GetStringAsync("/v1/entries?prefix=dataprotection:");
        return [.. dump.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)
            .Select(entry => KeyValuePair.Create(entry.GetProperty("key").GetString()!, entry.GetProperty("value").GetString()!))];
    }
}
