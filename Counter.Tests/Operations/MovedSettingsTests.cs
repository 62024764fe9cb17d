using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Operations;

/// <summary>
/// A store setting given under the name it had before it moved to its concern's section still takes
/// effect, and the store says at start where it moved; where both names are set, the new one wins.
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
