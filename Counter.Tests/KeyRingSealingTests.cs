using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;

namespace Counter.Tests;

/// <summary>
/// Cookie mode's Data Protection key ring is sealed at rest: the store (and so any dump or backup)
/// never holds a usable master key. A store written by a version that kept keys plain is sealed
/// on the first start, and the cookies those keys protected still read.
/// </summary>
public sealed class KeyRingSealingTests
{
    [Fact]
    public async Task APlainKeyRingIsSealedOnTheFirstStartAndItsCookiesStillRead()
    {
        var dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "keyring-" + Guid.NewGuid().ToString("N"));
        string cookie;

        // 1. The old way: no key-encryption key, so the key ring is stored plain.
        await using (var before = new CookieAppOnFolder(dataPath, plainKeyRing: true))
        {
            await before.InitializeAsync();
            using var browser = before.CreateBrowser();
            await browser.LoadCounterAsync();
            Assert.Equal(2, await browser.LoadCounterAsync());
            cookie = browser.SessionCookie!;
            var plain = await KeyRingAsync(before);
            Assert.NotEmpty(plain);
            Assert.All(plain, element => Assert.Contains("<masterKey", element, StringComparison.Ordinal));
        }

        // 2. The same store with the AppHost's key-encryption key.
        await using var after = new CookieAppOnFolder(dataPath, plainKeyRing: false);
        try
        {
            await after.InitializeAsync();
            var keyRing = await KeyRingAsync(after);
            Assert.NotEmpty(keyRing);
            Assert.All(keyRing, element =>
            {
                Assert.DoesNotContain("<masterKey", element, StringComparison.Ordinal);
                Assert.DoesNotContain("<value>", element, StringComparison.Ordinal);
                Assert.Contains("encryptedSecret", element, StringComparison.Ordinal);
            });

            using var returning = after.CreateBrowser();
            returning.SetSessionCookie(cookie);
            Assert.Equal(3, await returning.LoadCounterAsync());
        }
        finally
        {
            Directory.Delete(dataPath, recursive: true);
        }
    }

    /// <summary>The key-ring elements as the store holds them, read with the operations credential.</summary>
    private static async Task<IReadOnlyList<string>> KeyRingAsync(CounterAppFixture app)
    {
        using var store = app.CreateStoreClient();
        var dump = await store.GetStringAsync("/v1/entries?prefix=dataprotection:");
        return [.. dump.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.GetProperty("value").GetString()!)];
    }

    private sealed class CookieAppOnFolder(string dataPath, bool plainKeyRing) : CounterAppFixture, IAsyncDisposable
    {
        protected override string SessionMode => "Cookie";

        public override string DataPath => dataPath;

        protected override bool KeepData => true;

        protected override void ConfigureWeb(IResourceBuilder<ProjectResource> web)
        {
            if (plainKeyRing)
            {
                web.WithEnvironment("DataProtection__KeyEncryptionKey", "");
            }
        }

        ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
    }
}
