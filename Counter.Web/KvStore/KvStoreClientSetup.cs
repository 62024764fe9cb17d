using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Counter.Web.KvStore;

public static class KvStoreClientSetup
{
    /// <summary>
    /// Registers <see cref="KvStoreClient"/> (one per process) over an HTTP client with a resilience pipeline tuned so that a retry can
    /// never apply a write twice: only GETs are retried. A write whose answer was lost fails the
    /// request (503) instead; the compare-and-set version makes a blind replay impossible anyway.
    ///
    /// It is the standard pipeline (total timeout, retry, circuit breaker, attempt timeout) minus its
    /// concurrency limiter, and without the factory's per-request logging handlers: the store call is
    /// on every page load's hot path, the client spans already record each call, and a limiter in
    /// front of a store that answers in a millisecond only adds contention (measured in bench/).
    /// </summary>
    public static IServiceCollection AddKvStoreClient(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(KvStoreClient)))
        {
            return services;
        }
        services.AddKvStoreClientTelemetry();
        services.AddSingleton<WriteCoalescer>();
        services.AddSingleton(sp => new KvStoreClient(sp.GetRequiredService<KvStoreHttp>(), sp.GetRequiredService<WriteCoalescer>()));
        services.AddOptions<KvStoreClientOptions>().BindConfiguration(KvStoreClientOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<KvStoreHttp>((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<KvStoreClientOptions>>().Value;
                http.BaseAddress = options.BaseAddress;
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Credential);
                http.Timeout = Timeout.InfiniteTimeSpan; // The resilience pipeline owns timeouts.
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Keep connections warm between bursts; never follow redirects to somewhere else.
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5), // The client lives as long as the process: connections still re-resolve and re-connect.
                AllowAutoRedirect = false,
                UseCookies = false,
            })
            .RemoveAllLoggers()
            .AddResilienceHandler("kvstore", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<KvStoreClientOptions>>().Value;
                var retry = new HttpRetryStrategyOptions { MaxRetryAttempts = 2, Delay = TimeSpan.FromMilliseconds(50) };
                retry.DisableForUnsafeHttpMethods();
                pipeline
                    .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.RequestBudget, Name = "Total" })
                    .AddRetry(retry)
                    .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                    {
                        SamplingDuration = TimeSpan.FromSeconds(Math.Max(5, options.AttemptTimeout.TotalSeconds * 2)),
                        BreakDuration = TimeSpan.FromSeconds(2),
                        // Breaks only for a store that does not answer (refused, reset, timed out). A 503
                        // the store answers at once is about some keys (a Redis shard that is down, a
                        // disk that refuses writes): counting it would cut off every user, not just those.
                        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is HttpRequestException or TimeoutRejectedException),
                    })
                    .AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout, Name = "Attempt" });
            });
        return services;
    }
}
