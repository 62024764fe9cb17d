using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

/// <summary>
/// Invariant: on the Redis backend the server's own clock decides expiry, so a store process whose
/// wall clock is stepped (behind or ahead of the server's) neither loses an acknowledged write nor
/// hides a live one. Both store replicas are stepped; each test sets the step back to zero.
/// </summary>
[Collection(GarnetApp.Name)]
public sealed class GarnetClockStepTests(GarnetAppFixture app)
{
    [Fact]
    public async Task AWriteMadeWhileTheStoresClockIsBehindIsReadableRightAfterItsAcknowledgement()
    {
        var key = $"clock-behind-{Guid.NewGuid():N}";
        using var store = app.CreateStoreClient();
        await app.StepClockAsync("kvstore", TimeSpan.FromSeconds(-1500));
        try
        {
            await PutAsync(store, key);

            using var read = await store.GetAsync($"/v1/keys/{key}");
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"With the store's clock 1,500 s behind, a write acknowledged with ttl=1200 reads back {(int)read.StatusCode}.");
            Assert.Equal("""{"count":1}""", await read.Content.ReadAsStringAsync());
        }
        finally
        {
            await app.StepClockAsync("kvstore", TimeSpan.Zero);
        }
    }

    [Fact]
    public async Task ALiveEntryStaysVisibleWhileTheStoresClockIsAhead()
    {
        var key = $"clock-ahead-{Guid.NewGuid():N}";
        using var store = app.CreateStoreClient();
        await PutAsync(store, key);
        await app.StepClockAsync("kvstore", TimeSpan.FromSeconds(1500));
        try
        {
            using var read = await store.GetAsync($"/v1/keys/{key}");
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"With the store's clock 1,500 s ahead, an entry written with ttl=1200 reads back {(int)read.StatusCode}.");
            using var listed = await store.GetAsync($"/v1/keys?prefix={key}");
            Assert.Contains(key, await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await app.StepClockAsync("kvstore", TimeSpan.Zero);
        }
    }

    private static async Task PutAsync(HttpClient store, string key)
    {
        using var written = await store.PutAsync($"/v1/keys/{key}?ttl=1200", new StringContent("""{"count":1}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, written.StatusCode);
    }
}
