using Counter.Web.KvClient;
using Counter.Web.RateLimits;
using Counter.Web.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Counter.Tests.Unit;

/// <summary>
/// Web's session layer as one replica registers it (server-side: options, KV client, cache, gate;
/// cookie: Data Protection with its key ring in the store), over a <see cref="StubKvStore"/> instead
/// of HTTP to a real store: no app, no network. Nothing is started, so nothing is cached ahead.
/// </summary>
public sealed class WebReplica : IAsyncDisposable
{
    private const string CookieName = "session";
    private readonly WebApplication _app;

    public WebReplica(StubKvStore store, string mode = "ServerSide")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Session:Mode"] = mode,
            ["DataProtection:KeyEncryptionKey"] = "unit-test-keyring-encryption-key-0123456789abcdef",
            ["Session:KeySecret"] = "unit-test-session-key-secret-0123456789abcdef",
            ["KvClient:ApiKey"] = "unit-test-store-credential",
            ["KvClient:BaseAddress"] = "http://kvstore.test",
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddOptions<RateLimitOptions>();
        builder.Services.AddSingleton<NewSessionLimiter>();
        builder.AddSessions();
        builder.Services.AddHttpClient<KvStoreHttp>().ConfigurePrimaryHttpMessageHandler(store.CreateHandler);
        _app = builder.Build();
        Sessions = _app.Services.GetRequiredService<ISessionStore>();
    }

    public ISessionStore Sessions { get; }

    /// <summary>A request carrying the session cookie (none when null).</summary>
    public static HttpContext Request(string? sessionId)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        if (sessionId is not null)
        {
            context.Request.Headers.Cookie = $"{CookieName}={sessionId}";
        }
        return context;
    }

    /// <summary>The session id a response set, or null when it set none.</summary>
    public static string? IssuedId(HttpContext context) =>
        context.Response.Headers.SetCookie.Select(c => Microsoft.Net.Http.Headers.SetCookieHeaderValue.Parse(c)).FirstOrDefault(c => c.Name == CookieName)?.Value.ToString();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
