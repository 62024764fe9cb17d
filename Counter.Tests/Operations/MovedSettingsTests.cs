using System.Text;
using Counter.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Counter.Tests.Operations;

/// <summary>
/// A setting given under the name it had before it moved (to its concern's section, or to the one word
/// for its concept) still takes effect, and the service says at start where it moved; where both names
/// are set, the new one wins. The store and web as real processes; the AppHost's model as it is built.
/// </summary>
public sealed class MovedSettingsTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "moved-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AnOldNameStillTakesEffectAndTheStoreNamesTheNewOne()
    {
        await using var store = await KvStoreProcess.StartAsync(_dataPath, environment: new Dictionary<string, string> { ["Storage__MaxValueBytes"] = "64" });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await PutAsync(store, 100));
        Assert.Equal(HttpStatusCode.Created, await PutAsync(store, 20));
        Assert.Contains(store.Output, line => line.Contains("Storage:MaxValueBytes has moved to Api:MaxValueBytes", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhereBothNamesAreSetTheNewOneWins()
    {
        await using var store = await KvStoreProcess.StartAsync(_dataPath, environment: new Dictionary<string, string>
        {
            ["Storage__MaxValueBytes"] = "64",
            ["Api__MaxValueBytes"] = "1000",
        });

        Assert.Equal(HttpStatusCode.Created, await PutAsync(store, 100));
        Assert.Contains(store.Output, line => line.Contains("Storage:MaxValueBytes has moved to Api:MaxValueBytes, which is set too", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WebsOldNamesStillTakeEffectAndWebNamesTheNewOnes()
    {
        // Cookie mode in Production refuses to start without its store credential or its key-encryption
        // key, so web starting at all shows that both old names were read.
        await using var web = await WebProcess.StartAsync(new Uri("http://127.0.0.1:1"), new Dictionary<string, string?>
        {
            ["Session__Mode"] = "Cookie",
            ["KvStoreClient__Credential"] = null,
            ["KeyRing__KeyEncryptionKey"] = null,
            ["KvClient__Credential"] = CounterAppFixture.WebCredential,
            ["DataProtection__KeyEncryptionKey"] = CounterAppFixture.KeyRingEncryptionKey,
        });

        Assert.Contains("KvClient:Credential has moved to KvStoreClient:Credential", web.Output, StringComparison.Ordinal);
        Assert.Contains("DataProtection:KeyEncryptionKey has moved to KeyRing:KeyEncryptionKey", web.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAppHostsOldStoreBackendNameStillTakesEffect()
    {
        using var startup = TestTimeouts.StartupSource();
        using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Counter_AppHost>(
            ["--Counter:StoreBackend=Redis", $"--Counter:DataPath={_dataPath}"], startup.Token);

        Assert.Contains(appHost.Resources, resource => resource.Name == "garnet"); // The Redis backend's Garnet server.
        Assert.Contains(appHost.Services, service => service.ServiceType == typeof(MovedSettingsWarnings));
    }

    private static async Task<HttpStatusCode> PutAsync(KvStoreProcess store, int bytes)
    {
        using var client = store.CreateClient();
        using var content = new StringContent($"\"{new string('x', bytes - 2)}\"", Encoding.UTF8, "application/json");
        using var response = await client.PutAsync($"/v1/keys/moved-{bytes}", content);
        return response.StatusCode;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
