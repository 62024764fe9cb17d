using Counter.Web.KvStore;
using Counter.Web.RateLimits;
using Counter.Web.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// Web's session layer as one replica registers it (server-side: options, KV client, cache, gate;
/// cookie: Data Protection with its key ring in the store), over an <see cref="InProcessKvStore"/>: no
/// app, no network. Nothing of web's is started, so nothing is cached ahead.
/// </summary>
public sealed class WebReplica : IAsyncDisposable
{
    private const string CookieName = "session";
    private readonly WebApplication _app;
    private readonly InProcessKvStore? _ownStore;

    /// <param name="store">The store to share with other replicas; null for one of its own.</param>
    /// <param name="settings">Settings over (or beside) the defaults below; a null value clears one.</param>
    public WebReplica(InProcessKvStore? store = null, string mode = "ServerSide", IReadOnlyDictionary<string, string?>? settings = null)
    {
        store ??= _ownStore = new InProcessKvStore();
        // Development: the only environment that lets a test clear the key-encryption key.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        var configuration = new Dictionary<string, string?>
        {
            ["Session:Mode"] = mode,
            ["KeyRing:KeyEncryptionKey"] = "unit-test-keyring-encryption-key-0123456789abcdef",
            ["Session:KeySecret"] = "unit-test-session-key-secret-0123456789abcdef",
            ["KvStoreClient:Credential"] = InProcessKvStore.WebCredential,
            ["KvStoreClient:BaseAddress"] = "http://kvstore.test",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[name] = value;
        }
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName);
        builder.Services.AddSingleton<NewSessionLimiter>();
        builder.AddSessions();
        builder.Services.AddHttpClient<KvStoreHttp>().ConfigurePrimaryHttpMessageHandler(store.CreateHandler);
        _app = builder.Build();
        Sessions = _app.Services.GetRequiredService<ISessionStore>();
    }

    public ISessionStore Sessions { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>A request carrying the session cookie (none when null).</summary>
    public static HttpContext Request(string? sessionId) => RequestWithCookies(sessionId is null ? null : $"{CookieName}={sessionId}");

    /// <summary>A request with this Cookie header as a browser sends it (none when null), over HTTPS if asked.</summary>
    public static HttpContext RequestWithCookies(string? cookieHeader, bool https = false)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Scheme = https ? "https" : "http";
        if (cookieHeader is not null)
        {
            context.Request.Headers.Cookie = cookieHeader;
        }
        return context;
    }

    /// <summary>The session cookie a response set (named <c>__Host-session</c> over HTTPS), or null when it set none.</summary>
    public static string? IssuedId(HttpContext context)
    {
        var name = context.Request.IsHttps ? "__Host-" + CookieName : CookieName;
        return context.Response.Headers.SetCookie.Select(c => Microsoft.Net.Http.Headers.SetCookieHeaderValue.Parse(c)).FirstOrDefault(c => c.Name == name)?.Value.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        if (_ownStore is not null)
        {
            await _ownStore.DisposeAsync();
        }
    }
}
