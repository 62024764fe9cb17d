using Counter.ServiceDefaults.Testing;
using Counter.Web.DataProtection;
using Counter.Web.Pages;
using Counter.Web.Sessions;

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health checks, service discovery and the clock shared by every Counter service.
builder.AddServiceDefaults();
// Test-only hooks (a movable clock), each off unless its Testing:* setting is true.
builder.AddTestingHooks();
// One Data Protection key ring for every replica, kept in the KV store.
builder.AddSharedDataProtection();
// Sessions in the configured mode: cookie, or server-side in the KV store.
builder.AddSessions();
// The Reset form carries an anti-forgery token.
builder.Services.AddAntiforgery(options => options.Cookie.Name = "counter.csrf");
// 503 page when the store is down; no stack traces, ever.
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ErrorPage>();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapCounterPages();
app.UseTestingHooks();

await app.RunAsync();
