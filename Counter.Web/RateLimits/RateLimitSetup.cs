using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Counter.Web.RateLimits;

public static class RateLimitSetup
{
    private const string PagesPolicy = "pages";

    /// <summary>
    /// Registers both per-client limits: pages (ASP.NET Core's rate limiter, on the endpoints that
    /// <see cref="RequirePageRateLimit"/> marks) and new sessions (<see cref="NewSessionLimiter"/>).
    /// <paramref name="reject"/> writes the 429 answer for both.
    /// </summary>
    public static WebApplicationBuilder AddClientRateLimits(this WebApplicationBuilder builder, Func<HttpContext, TimeSpan, CancellationToken, Task> reject)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<NewSessionLimiter>();
        builder.Services.AddRateLimiter(_ => { });
        // Configured from the bound limits once, not looked up per request.
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            var options = limits.Value;
            limiter.AddPolicy(PagesPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientPartition.Of(context), _ => Window(options, options.PagesPerWindow)));
            limiter.OnRejected = (rejected, cancellationToken) =>
                new ValueTask(reject(rejected.HttpContext, RetryAfter(rejected.Lease, options), cancellationToken));
        });
        return builder;
    }

    public static TBuilder RequirePageRateLimit<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder =>
        endpoints.RequireRateLimiting(PagesPolicy);

    /// <summary>A fixed window of <paramref name="permits"/> that refuses at once (no queue: a queued page would only answer later).</summary>
    internal static FixedWindowRateLimiterOptions Window(RateLimitOptions options, int permits) => new()
    {
        PermitLimit = permits,
        Window = options.Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>When the client's window ends (the limiter says), else a whole window.</summary>
    internal static TimeSpan RetryAfter(RateLimitLease lease, RateLimitOptions options) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.Window;
}
