// The same counter page on ASP.NET Core's built-in session: AddSession() over
// AddStackExchangeRedisCache (BASELINE_CACHE=redis, REDIS=host:port) or AddDistributedMemoryCache
// (BASELINE_CACHE=memory, the in-process floor). Session loads are async (LoadAsync) so the
// comparison is fair; the page matches Counter's. BASELINE_TOKEN=false leaves out the anti-forgery
// token (the built-in session alone); by default the form carries one, the usual ASP.NET Core way to
// give the Reset form the protection Counter gets from Fetch Metadata.
using Microsoft.AspNetCore.Antiforgery;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
if (Environment.GetEnvironmentVariable("BASELINE_CACHE") == "memory")
{
    builder.Services.AddDistributedMemoryCache();
}
else
{
    builder.Services.AddStackExchangeRedisCache(o => o.Configuration = Environment.GetEnvironmentVariable("REDIS") ?? "127.0.0.1:6379");
}
builder.Services.AddSession(o =>
{
    o.IdleTimeout = TimeSpan.FromMinutes(20);
    o.Cookie.HttpOnly = true;
    o.Cookie.IsEssential = true;
});
builder.Services.AddAntiforgery();

var app = builder.Build();
app.UseSession();
var withToken = Environment.GetEnvironmentVariable("BASELINE_TOKEN") != "false";
app.MapGet("/", async (HttpContext context, IAntiforgery antiforgery) =>
{
    await context.Session.LoadAsync();
    var count = (context.Session.GetInt32("count") ?? 0) + 1;
    context.Session.SetInt32("count", count);
    var field = "";
    if (withToken)
    {
        var token = antiforgery.GetAndStoreTokens(context);
        field = $"""<input type="hidden" name="{token.FormFieldName}" value="{token.RequestToken}">""";
    }
    return Results.Content($"""
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Counter example</title></head>
        <body><main><h1>Counter example</h1><p>Count: {count}</p>
        <form method="post" action="/reset">{field}
        <button type="submit">Reset</button></form></main></body></html>
        """, "text/html; charset=utf-8");
});
app.Run();
