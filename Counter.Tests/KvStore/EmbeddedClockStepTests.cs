using System.Diagnostics;
using System.Globalization;
using System.Text;
using Counter.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Counter.Tests.KvStore;

/// <summary>
/// Invariant: a step of the embedded store's wall clock (an NTP correction, a VM resume, a wrong
/// clock set right by hand) never deletes a live entry for good. A real store process with its test
/// clock on and a 1 s sweep; the wall clock is stepped while the monotonic clock is not.
/// </summary>
public sealed class EmbeddedClockStepTests : IDisposable
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "clock-step-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task AForwardStepAndBackDeletesNoLiveEntry()
    {
        await using var store = await KvStoreProcess.StartAsync(_dataPath, environment: new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Testing__TestClock"] = "true",
            ["Storage__Sqlite__SweepInterval"] = "00:00:01",
        });
        using var client = store.CreateClient();
        await PutAsync(client, "session-live", """{"count":7}""", ttlSeconds: 1200);
        await PutAsync(client, "expired-marker", """{"gone":true}""", ttlSeconds: 1);

        // Ten minutes pass (wall and monotonic clocks): the marker is truly expired, the session is not.
        // Then the wall clock alone steps 1,500 s ahead, past the session's expiry.
        await SetClockAsync(client, "offsetSeconds=600&stepSeconds=1500");

        // The sweeper has run since once the truly expired marker is reclaimed from the file.
        await WaitUntilReclaimedAsync("expired-marker");
        // While the clock is ahead the session is still served: hidden, web would replace it with a fresh one.
        using (var during = await client.GetAsync("/v1/keys/session-live"))
        {
            Assert.True(during.StatusCode == HttpStatusCode.OK, $"While the wall clock is 1,500 s ahead, the live entry answers {(int)during.StatusCode}.");
        }

        // The clock is set right again: the session is there, with its value.
        await SetClockAsync(client, "stepSeconds=0");
        using var read = await client.GetAsync("/v1/keys/session-live");
        Assert.True(read.StatusCode == HttpStatusCode.OK, $"After a wall-clock step of 1,500 s and back, the live entry answers {(int)read.StatusCode}.");
        Assert.Equal("""{"count":7}""", await read.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AWriteMadeWhileTheClockIsBehindOutlivesTheCorrection()
    {
        await using var store = await KvStoreProcess.StartAsync(_dataPath, environment: new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Testing__TestClock"] = "true",
        });
        using var client = store.CreateClient();

        // The wall clock alone steps 1,500 s back; a write with a 1,200 s ttl is acknowledged.
        await SetClockAsync(client, "stepSeconds=-1500");
        await PutAsync(client, "session-written-behind", """{"count":1}""", ttlSeconds: 1200);

        // Set right again at once: the write has 1,200 s to live, not minus 300.
        await SetClockAsync(client, "stepSeconds=0");
        using var read = await client.GetAsync("/v1/keys/session-written-behind");
        Assert.True(read.StatusCode == HttpStatusCode.OK, $"A write acknowledged while the clock was 1,500 s behind answers {(int)read.StatusCode} once the clock is set right.");
        Assert.Equal("""{"count":1}""", await read.Content.ReadAsStringAsync());
    }

    private static async Task PutAsync(HttpClient client, string key, string json, int ttlSeconds)
    {
        using var response = await client.PutAsync($"/v1/keys/{key}?ttl={ttlSeconds.ToString(CultureInfo.InvariantCulture)}", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task SetClockAsync(HttpClient client, string query)
    {
        using var response = await client.PostAsync($"/_testing/clock?{query}", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Waits (bounded) until the key's row is gone from the database file, read beside the running store.</summary>
    private async Task WaitUntilReclaimedAsync(string key)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_dataPath, "kvstore.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            await using (var connection = new SqliteConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM entries WHERE key = $key;";
                command.Parameters.AddWithValue("$key", key);
                if ((long)(await command.ExecuteScalarAsync())! == 0)
                {
                    return;
                }
            }
            Assert.True(waited.Elapsed < TestTimeouts.Request, $"The sweeper did not reclaim an entry expired ten minutes ago within {TestTimeouts.Request}.");
            await Task.Delay(200);
        }
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
