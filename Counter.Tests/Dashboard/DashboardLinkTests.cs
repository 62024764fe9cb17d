using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Dashboard;

/// <summary>The dashboard's links carry names: the counter page, the store's API and its OpenAPI document, which answers.</summary>
[Collection(EmbeddedApp.Name)]
public sealed class DashboardLinkTests(EmbeddedAppFixture app)
{
    [Fact]
    public async Task EachResourcesLinksAreNamedAndTheOpenApiLinkAnswers()
    {
        using var timeout = TestTimeouts.After(TestTimeouts.Startup);
        var web = await UrlsAsync("web", timeout.Token);
        var store = await UrlsAsync("kvstore", timeout.Token);

        Assert.Contains(web, u => u.DisplayProperties.DisplayName == "Counter page" && u.Url.StartsWith("http://", StringComparison.Ordinal));
        Assert.Contains(store, u => u.DisplayProperties.DisplayName == "KV store API");
        var openApi = Assert.Single(store, u => u.DisplayProperties.DisplayName == "OpenAPI document");
        Assert.EndsWith("/openapi/v1.json", openApi.Url, StringComparison.Ordinal);
        using var client = app.CreateStoreClient();
        using var document = await client.GetAsync(new Uri(openApi.Url).PathAndQuery, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
    }

    /// <summary>The URLs the dashboard shows for a resource, once they carry display names.</summary>
    private async Task<IReadOnlyList<UrlSnapshot>> UrlsAsync(string resource, CancellationToken cancellationToken)
    {
        var ready = await app.App.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.Urls.Any(u => !string.IsNullOrEmpty(u.DisplayProperties.DisplayName)), cancellationToken);
        return [.. ready.Snapshot.Urls.Where(u => !u.IsInternal)];
    }
}
