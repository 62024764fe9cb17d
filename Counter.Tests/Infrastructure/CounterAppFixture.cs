using System.Net.Http.Headers;
using Aspire.Hosting;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// One running Counter app (AppHost, store and web) shared by every test in a collection.
/// Each fixture has its own data folder and known secrets, and turns on the services' test
/// clocks. Tests never depend on each other's data: each makes its own session or keys.
/// </summary>
public abstract class CounterAppFixture : IAsyncLifetime
{
    public const string ApiKey = "test-store-credential-0123456789abcdef";
    public const string SessionKeySecret = "test-session-key-secret-0123456789abcdef0123456789";

    private DistributedApplication? _app;

    protected abstract string SessionMode { get; }

    protected virtual int WebReplicas => 1;

    public string DataPath { get; } = Path.Combine(Path.GetTempPath(), "counter-tests", Guid.NewGuid().ToString("N"));

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app is not started yet.");

    public Uri WebUrl { get; private set; } = null!;

    public Uri StoreUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var cancellationToken = TestTimeouts.StartupToken();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Counter_AppHost>(
            [
                $"--Counter:SessionMode={SessionMode}",
                $"--Counter:DataPath={DataPath}",
                $"--Counter:WebReplicas={WebReplicas}",
                "--Counter:TestClock=true",
                $"--Parameters:kvstore-api-key={ApiKey}",
                $"--Parameters:session-key-secret={SessionKeySecret}",
            ],
            cancellationToken);
        Configure(builder);
        _app = await builder.BuildAsync(cancellationToken);
        await _app.StartAsync(cancellationToken);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("kvstore", cancellationToken).WaitAsync(TestTimeouts.Startup, cancellationToken);
        await _app.ResourceNotifications.WaitForResourceHealthyAsync("web", cancellationToken).WaitAsync(TestTimeouts.Startup, cancellationToken);
        WebUrl = _app.GetEndpoint("web", "http");
        StoreUrl = _app.GetEndpoint("kvstore", "http");
    }

    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(new CancellationTokenSource(TestTimeouts.Startup).Token);
            await _app.DisposeAsync();
        }
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
            // A lingering store process may still hold the folder for a moment; it is in /tmp.
        }
    }

    /// <summary>A browser-like client: its own cookie jar, redirects not followed so tests see them.</summary>
    public BrowserClient CreateBrowser() => new(WebUrl);

    /// <summary>A client of the store's HTTP API carrying the credential.</summary>
    public HttpClient CreateStoreClient(string? apiKey = ApiKey)
    {
        var client = new HttpClient { BaseAddress = StoreUrl, Timeout = TestTimeouts.Request };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        return client;
    }

    /// <summary>Moves a service's clock forward (the store's expiry, the web's lifetimes).</summary>
    public async Task AdvanceClockAsync(string resource, TimeSpan by)
    {
        using var client = resource == "kvstore" ? CreateStoreClient() : new HttpClient { BaseAddress = WebUrl, Timeout = TestTimeouts.Request };
        using var response = await client.PostAsync($"/_testing/clock?advanceSeconds={by.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}", null);
        response.EnsureSuccessStatusCode();
    }
}

public sealed class ServerSideAppFixture : CounterAppFixture
{
    protected override string SessionMode => "ServerSide";
}

public sealed class CookieAppFixture : CounterAppFixture
{
    protected override string SessionMode => "Cookie";
}

[CollectionDefinition(Name)]
public sealed class ServerSideApp : ICollectionFixture<ServerSideAppFixture>
{
    public const string Name = "server-side app";
}

[CollectionDefinition(Name)]
public sealed class CookieModeApp : ICollectionFixture<CookieAppFixture>
{
    public const string Name = "cookie app";
}
