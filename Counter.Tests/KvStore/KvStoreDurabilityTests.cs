using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

/// <summary>
/// Invariant: every write the store acknowledged is there, unchanged, after the process dies in
/// any way and starts again over the same data folder.
/// </summary>
public sealed class KvStoreDurabilityTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "durability-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task EveryAcknowledgedWriteSurvivesKillDashNine()
    {
        // 1. Start the store and write from 16 tasks, each recording the keys the store acknowledged.
        var acknowledged = new ConcurrentDictionary<string, string>();
        await using (var store = await KvStoreProcess.StartAsync(_dataPath))
        {
            using var client = store.CreateClient();
            using var enoughWritten = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
            {
                for (var i = 0; i < 10_000 && !enoughWritten.IsCancellationRequested; i++)
                {
                    var key = $"w{writer}-{i}";
                    var value = $"{{\"writer\":{writer},\"i\":{i}}}";
                    try
                    {
                        using var response = await client.PutAsync($"/v1/keys/{key}", new StringContent(value, Encoding.UTF8, "application/json"));
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            acknowledged[key] = value;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // The store is gone: this write was never acknowledged.
                    }
                }
            })).ToArray();

            // 2. Once a good number are acknowledged, kill -9 while writes are still in flight.
            var deadline = DateTime.UtcNow + TestTimeouts.Startup;
            while (acknowledged.Count < 1500 && DateTime.UtcNow < deadline && !writers.All(w => w.IsCompleted))
            {
                await Task.Delay(20);
            }
            await store.KillAsync();
            await enoughWritten.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(TestTimeouts.Request);
        }
        Assert.True(acknowledged.Count >= 1500, $"Only {acknowledged.Count} writes were acknowledged before the deadline.");

        // 3. Start again over the same folder and check every acknowledged key.
        await using var restarted = await KvStoreProcess.StartAsync(_dataPath);
        using var reader = restarted.CreateClient();
        var missing = new List<string>();
        foreach (var (key, value) in acknowledged)
        {
            using var response = await reader.GetAsync($"/v1/keys/{key}");
            if (response.StatusCode != HttpStatusCode.OK || await response.Content.ReadAsStringAsync() != value)
            {
                missing.Add(key);
            }
        }
        Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged writes were lost, e.g. {string.Join(", ", missing.Take(5))}");
    }

    [Fact]
    public async Task DataWrittenBeforeAStopIsThereAfterAStart()
    {
        await using (var store = await KvStoreProcess.StartAsync(_dataPath))
        {
            using var client = store.CreateClient();
            using var response = await client.PostAsync("/", new StringContent("""{"kept": {"count": 3}, "also": "yes"}""", Encoding.UTF8, "application/json"));
            response.EnsureSuccessStatusCode();
            await store.StopAsync();
        }

        await using var restarted = await KvStoreProcess.StartAsync(_dataPath);
        using var reader = restarted.CreateClient();
        Assert.Equal("""{"kept":{"count": 3}}""", await reader.GetStringAsync("/kept"));
        Assert.Equal("""{"also":"yes"}""", await reader.GetStringAsync("/also"));
        var keys = await reader.GetFromJsonAsync<Dictionary<string, string[]>>("/");
        Assert.Equal(["also", "kept"], keys!["keys"]);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
