using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Counter.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Counter.Tests.KvStore;

/// <summary>
/// The embedded writer blocks inside a commit and stays there, as it does on a disk whose fsync
/// does not return: every write waits and times out, so /health must turn unhealthy although no
/// commit has failed, and healthy again once the writer moves. The block is real: another process
/// (here the test) holds SQLite's write lock in an open transaction, as a forgotten sqlite3 shell
/// would, and the store's writer waits in SQLite's busy loop.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class WriterStallTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "counter-tests", "stall-" + Guid.NewGuid().ToString("N"));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task AWriterBlockedInItsCommitTurnsHealthUnhealthyAndHealthyAgainWhenItMoves()
    {
        await using var store = await KvStoreProcess.StartAsync(_data);
        using var client = store.CreateClient();
        using (var before = await PutAsync(client, "before", "{\"n\":1}"))
        {
            Assert.Equal(HttpStatusCode.Created, before.StatusCode);
        }

        var holder = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(_data, "kvstore.db"), Pooling = false }.ToString());
        await holder.OpenAsync();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync();
        }
        var blockedWrite = PutAsync(client, "during", "{\"n\":2}");
        var blocked = Stopwatch.StartNew();
        while (await StatusAsync(client, "/health") == HttpStatusCode.OK)
        {
            Assert.True(blocked.Elapsed < TestTimeouts.Request, $"/health stayed 200 for {blocked.Elapsed.TotalSeconds:F1} s while the writer was blocked in a commit.");
            await Task.Delay(200);
        }
        Assert.False(blockedWrite.IsCompleted, "The write was answered although the writer was blocked.");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/alive")); // The process is fine; restarting it would not help.
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/v1/keys/before")); // Reads do not wait for the writer.

        await holder.DisposeAsync(); // The lock goes: the blocked commit completes.
        using (var during = await blockedWrite.WaitAsync(TestTimeouts.Request))
        {
            Assert.Equal(HttpStatusCode.Created, during.StatusCode);
        }
        var moving = Stopwatch.StartNew();
        while (await StatusAsync(client, "/health") != HttpStatusCode.OK)
        {
            Assert.True(moving.Elapsed < TestTimeouts.Request, "/health stayed unhealthy after the writer moved again.");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string key, string json) =>
        client.PutAsync(new Uri($"/v1/keys/{key}", UriKind.Relative), new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under /tmp.
        }
        return ValueTask.CompletedTask;
    }
}
