using System.Net.Http.Headers;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// One running Counter app (AppHost, store and web) shared by every test in a collection.
/// Each fixture has its own data folder and known secrets, and turns on the services' test
/// clocks. Tests never depend on each other's data: each makes its own session or keys.
/// </summary>
public abstract class CounterAppFixture : IAsyncLifetime
{
    /// <summary>The store's operations credential: every call (listing, dump, clear, the original API, the store's test hooks).</summary>
    public const string OperationsCredential = "test-store-operations-credential-0123456789";

    /// <summary>The web tier's store credential: single keys, the batch, the key ring; web's test hooks ask for it too.</summary>
    public const string WebCredential = "test-store-web-credential-0123456789abcdef";

    public const string GarnetPassword = "test-garnet-password-0123456789abcdef";
    public const string KeyRingEncryptionKey = "test-keyring-encryption-key-0123456789abcdef0123";
    public const string SessionKeySecret = "test-session-key-secret-0123456789abcdef0123456789";
    public const string DashboardApiKey = "test-dashboard-api-key-0123456789";

    /// <summary>The one other origin web trusts to post to it (CrossOrigin:TrustedOrigins).</summary>
    public const string TrustedOrigin = "https://trusted.example";

    /// <summary>Shorter than the 8-hour default so that lifetime tests need fewer clock steps.</summary>
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(20);

    private readonly Dictionary<string, TimeSpan> _clockOffsets = [];
    private readonly Dictionary<string, TimeSpan> _clockSteps = [];

    private DistributedApplication? _app;

    protected abstract string SessionMode { get; }

    public virtual int WebReplicas => 1;

    public virtual int StoreReplicas => 1;

    /// <summary>"Embedded" (SQLite in the store process) or "Redis" (Garnet started by the AppHost).</summary>
    public virtual string StorageBackend => "Embedded";

    /// <summary>How a test reaches the store's Redis-protocol server itself (null on the embedded backend): Garnet's socket unless a fixture names another server.</summary>
    public virtual string? RedisConnectionString =>
        StorageBackend == "Redis" ? $"!{Path.Combine(DataPath, "garnet", "garnet.sock")},password={GarnetPassword}" : null;

    /// <summary>The services' movable clocks (Counter:TestClock); off only for an app whose web runs in Production.</summary>
    protected virtual bool TestClock => true;

    /// <summary>Lets reliability tests slow the store down (POST /_testing/faults?delayMs=N).</summary>
    protected virtual bool FaultInjection => false;

    /// <summary>Both services answer with a Server-Timing header (Counter:ServerTiming).</summary>
    protected virtual bool ServerTiming => false;

    /// <summary>The dashboard (and its telemetry API) runs only where a test reads spans.</summary>
    protected virtual bool EnableDashboard => false;

    public Uri? DashboardUrl { get; private set; }

    /// <summary>The dashboard's login URL with its one-time browser token.</summary>
    public Uri? DashboardLoginUrl { get; private set; }

    public virtual string DataPath { get; } = Path.Combine(Path.GetTempPath(), "counter-tests", Guid.NewGuid().ToString("N"));

    /// <summary>True for an app whose data folder a later app reuses: dispose leaves it.</summary>
    protected virtual bool KeepData => false;

    /// <summary>Changes to web's settings on top of the AppHost's and the shared test ones.</summary>
    protected virtual void ConfigureWeb(IResourceBuilder<ProjectResource> web)
    {
    }

    public DistributedApplication App => Running(_app) ?? throw new InvalidOperationException("The app is not started yet.");

    public Uri WebUrl { get => Running(field); private set; } = null!;

    public Uri StoreUrl { get => Running(field); private set; } = null!;

    /// <summary>
    /// Set when a tool from outside NuGet that this app needs is missing (the install step): the app
    /// is not started and every test that uses it skips (fails under COUNTER_REQUIRE_ALL_TESTS=1).
    /// </summary>
    protected virtual string? MissingTool => null;

    /// <summary>Starts what the app needs before the AppHost and returns extra AppHost arguments.</summary>
    protected virtual Task<IEnumerable<string>> PrepareAsync(CancellationToken cancellationToken) => Task.FromResult(Enumerable.Empty<string>());

    private T Running<T>(T value)
    {
        if (MissingTool is { } installStep)
        {
            RequiredTools.SkipUnless(false, installStep);
        }
        return value;
    }

    public async ValueTask InitializeAsync()
    {
        if (MissingTool is not null)
        {
            return;
        }
        using var startup = TestTimeouts.StartupSource();
        var cancellationToken = startup.Token;
        var extraArguments = await PrepareAsync(cancellationToken);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Counter_AppHost>(
            new DistributedApplicationTestingBuilderOptions { EnableDashboard = EnableDashboard },
            [
                $"--Counter:SessionMode={SessionMode}",
                $"--Counter:DataPath={DataPath}",
                $"--Counter:WebReplicas={WebReplicas}",
                $"--Counter:StorageBackend={StorageBackend}",
                $"--Counter:StoreReplicas={StoreReplicas}",
                $"--Counter:TestClock={TestClock}",
                $"--Counter:FaultInjection={FaultInjection}",
                $"--Counter:ServerTiming={ServerTiming}",
                $"--Parameters:kvstore-web-credential={WebCredential}",
                $"--Parameters:kvstore-operations-credential={OperationsCredential}",
                $"--Parameters:garnet-password={GarnetPassword}",
                $"--Parameters:keyring-encryption-key={KeyRingEncryptionKey}",
                $"--Parameters:session-key-secret={SessionKeySecret}",
                .. extraArguments,
            ],
            cancellationToken);
        builder.Configuration["AppHost:DashboardApiKey"] = DashboardApiKey;
        var web = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "web");
        var webBuilder = builder.CreateResourceBuilder(web)
            .WithEnvironment("Session__AbsoluteLifetime", AbsoluteLifetime.ToString())
            .WithEnvironment("Session__IdleTimeout", IdleTimeout.ToString())
            .WithEnvironment("CrossOrigin__TrustedOrigins__0", TrustedOrigin)
            // Every test client is 127.0.0.1, and load tests make thousands of sessions: the per-client
            // limits are the rate-limit tests' business (HttpsAppFixture sets low ones).
            .WithEnvironment("RateLimit__PagesPerWindow", "1000000")
            .WithEnvironment("RateLimit__NewSessionsPerWindow", "1000000");
        ConfigureWeb(webBuilder);
        _app = await builder.BuildAsync(cancellationToken);
        await _app.StartAsync(cancellationToken);
        // Every replica: WaitForResourceHealthyAsync is satisfied by the first, and the proxy may send
        // a test's first request to one that is still connecting to its storage.
        await WaitForEveryReplicaHealthyAsync("kvstore", StoreReplicas, cancellationToken).WaitAsync(TestTimeouts.Startup, cancellationToken);
        await WaitForEveryReplicaHealthyAsync("web", WebReplicas, cancellationToken).WaitAsync(TestTimeouts.Startup, cancellationToken);
        WebUrl = _app.GetEndpoint("web", "http");
        StoreUrl = _app.GetEndpoint("kvstore", "http");
        if (EnableDashboard)
        {
            var login = await _app.GetDashboardUrlAsync(cancellationToken) ?? throw new InvalidOperationException("No dashboard URL.");
            DashboardLoginUrl = login;
            DashboardUrl = new Uri(login.GetLeftPart(UriPartial.Authority));
        }
    }

    private async Task WaitForEveryReplicaHealthyAsync(string resource, int replicas, CancellationToken cancellationToken)
    {
        var healthy = new HashSet<string>();
        await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (update.Resource.Name != resource)
            {
                continue;
            }
            if (update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            {
                healthy.Add(update.ResourceId);
            }
            else
            {
                healthy.Remove(update.ResourceId);
            }
            if (healthy.Count >= replicas)
            {
                return;
            }
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_app is not null)
        {
            using var stop = new CancellationTokenSource(TestTimeouts.Startup);
            await _app.StopAsync(stop.Token);
            await _app.DisposeAsync();
        }
        if (KeepData)
        {
            return;
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

    /// <summary>Reads the spans and logs the dashboard shows.</summary>
    public DashboardTelemetry CreateTelemetryReader() =>
        new(DashboardUrl ?? throw new InvalidOperationException("This fixture runs without the dashboard."), DashboardApiKey);

    /// <summary>A client of the store's HTTP API carrying a credential (the operations one unless told).</summary>
    public HttpClient CreateStoreClient(string? credential = OperationsCredential)
    {
        var client = new HttpClient { BaseAddress = StoreUrl, Timeout = TestTimeouts.Request };
        if (credential is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }
        return client;
    }

    /// <summary>
    /// Lets <paramref name="by"/> of time pass for a service (cumulative per resource): its wall clock
    /// and its monotonic timestamp both move. Web replicas sit behind a proxy that balances per
    /// connection, so the (idempotent) call is repeated on fresh connections until every replica has answered.
    /// </summary>
    public async Task AdvanceClockAsync(string resource, TimeSpan by)
    {
        _clockOffsets[resource] = _clockOffsets.GetValueOrDefault(resource) + by;
        await SetClockOnEveryReplicaAsync(resource);
        if (resource == "kvstore" && RedisConnectionString is { } redis)
        {
            // On Redis the server's clock decides expiry: time passes for the server's keys too.
            await RedisServerClock.PassAsync(redis, by);
        }
    }

    /// <summary>
    /// Steps a service's wall clock alone to <paramref name="step"/> from where passing time put it
    /// (set, not added; zero undoes the step), as an NTP correction or a hand-set clock does: its
    /// monotonic timestamp does not move.
    /// </summary>
    public async Task StepClockAsync(string resource, TimeSpan step)
    {
        _clockSteps[resource] = step;
        await SetClockOnEveryReplicaAsync(resource);
    }

    /// <summary>Delays every store call by <paramref name="delay"/> (zero ends it). Needs <see cref="FaultInjection"/>.</summary>
    public async Task SetStoreDelayAsync(TimeSpan delay)
    {
        using var store = CreateStoreClient();
        using var response = await store.PostAsync($"/_testing/faults?delayMs={(int)delay.TotalMilliseconds}", null);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>
    /// The process ids of a resource's replicas, asked over fresh connections (the proxy balances per
    /// connection) through the idempotent clock endpoint, which answers with its process id.
    /// </summary>
    public Task<IReadOnlySet<int>> ProcessIdsAsync(string resource) =>
        SetClockOnEveryReplicaAsync(resource);

    private async Task<IReadOnlySet<int>> SetClockOnEveryReplicaAsync(string resource)
    {
        var offset = _clockOffsets.GetValueOrDefault(resource);
        var step = _clockSteps.GetValueOrDefault(resource);
        var query = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"offsetSeconds={offset.TotalSeconds}&stepSeconds={step.TotalSeconds}");
        var replicas = resource == "web" ? WebReplicas : StoreReplicas;
        var answered = new HashSet<int>();
        for (var attempt = 0; attempt < 200 && answered.Count < replicas; attempt++)
        {
            using var client = resource == "kvstore" ? CreateStoreClient() : CreateWebHookClient();
            using var response = await client.PostAsync($"/_testing/clock?{query}", null);
            response.EnsureSuccessStatusCode();
            using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            answered.Add(body.RootElement.GetProperty("processId").GetInt32());
        }
        Assert.True(answered.Count == replicas, $"Only {answered.Count} of {replicas} {resource} replicas answered (clock {query}).");
        return answered;
    }

    /// <summary>A client of web over HTTP without a cookie jar or redirects, so tests see every Set-Cookie as sent.</summary>
    public HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = WebUrl, Timeout = TestTimeouts.Request };

    /// <summary>A client of web's test hooks, which ask for web's store credential.</summary>
    public HttpClient CreateWebHookClient() => new()
    {
        BaseAddress = WebUrl,
        Timeout = TestTimeouts.Request,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", WebCredential) },
    };

    /// <summary>Both services' clocks: what passes for the whole system.</summary>
    public async Task AdvanceClocksAsync(TimeSpan by)
    {
        await AdvanceClockAsync("kvstore", by);
        await AdvanceClockAsync("web", by);
    }
}
