using Counter.ServiceDefaults.Testing;
using Counter.ServiceDefaults.Timing;
using Counter.Web;
using Counter.Web.KvStore;
using Counter.Web.Pages;
using Counter.Web.RateLimits;
using Counter.Web.Security;
using Counter.Web.Sessions;

// A setting web cannot run with ends it with one line and exit code 2 (docs/configuration.md).
return await ServiceStart.RunAsync(async () =>
{
    var builder = ServiceStart.CreateBuilder(args);
    // A setting under a name it had before still works, with a warning at start.
    builder.MoveSettings(WebSettings.Moved);

    // Telemetry, health checks, service discovery and the clock shared by every Counter service.
    builder.AddServiceDefaults();
    // Test-only hooks (a movable clock), each off unless its Testing:* setting is true.
    builder.AddTestingHooks();
    // Sessions in the configured mode: cookie (sealed with the shared Data Protection key ring), or
    // server-side in the KV store.
    builder.AddSessions();
    // HTTPS behind a proxy (trusted forwarded headers) and HSTS in Production.
    builder.AddTransportSecurity();
    // Per-client bounds on pages and on new sessions: 429 with Retry-After past them.
    builder.AddClientRateLimits(ErrorPage.WriteTooManyRequestsAsync);
    // Cross-site form posts are refused by Fetch Metadata (no anti-forgery tokens).
    builder.AddCrossOriginProtection();
    // 503 page when the store is down; no stack traces, ever.
    builder.Services.AddProblemDetails();
    builder.Services.AddExceptionHandler<ErrorPage>();

    var app = builder.Build();
    ServiceStart.ValidateSettings(app.Services);

    // Each page's stages (session load and save, the store's own) as a Server-Timing header when
    // ServerTiming:Enabled is on.
    app.UseServerTiming();
    // No browser may sniff any answer (JSON included) into something else; HTML pages add the rest of
    // their headers in PageLayout.ApplyHeaders (which also runs after the exception handler clears these).
    app.Use((context, next) =>
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return next(context);
    });
    app.UseTransportSecurity();
    app.UseExceptionHandler();
    app.UseStatusCodePages();
    app.UseCrossOriginProtection();
    app.UseRateLimiter();
    app.MapDefaultEndpoints();
    app.MapCounterPages().RequirePageRateLimit();
    // Web has no credential check of its own: its hooks ask for its store credential.
    app.UseTestingHooks(requiredBearer: app.Configuration[KvStoreClientOptions.SectionName + ":" + nameof(KvStoreClientOptions.Credential)] ?? "");

    await app.RunAsync();
    return 0;
});
