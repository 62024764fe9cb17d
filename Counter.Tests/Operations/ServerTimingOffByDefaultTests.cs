using Counter.Tests.Infrastructure;

namespace Counter.Tests.Operations;

/// <summary>Server-Timing tells a client how the server works inside: unless turned on, neither service sends it.</summary>
[Collection(EmbeddedApp.Name)]
public sealed class ServerTimingOffByDefaultTests(EmbeddedAppFixture app)
{
    [Fact]
    public async Task NeitherAPageNorAStoreAnswerCarriesServerTiming()
    {
        using var web = app.CreateHttpClient();
        using var store = app.CreateStoreClient();

        using var page = await web.GetAsync("/");
        using var entry = await store.GetAsync("/v1/keys/server-timing-absent-" + Guid.NewGuid().ToString("N"));

        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, entry.StatusCode);
        Assert.False(page.Headers.Contains("Server-Timing"));
        Assert.False(entry.Headers.Contains("Server-Timing"));
    }
}
