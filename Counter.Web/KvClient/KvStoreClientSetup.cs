using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Counter.Web.KvClient;

public static class KvStoreClientSetup
{
    /// <summary>
    /// Registers <see cref="KvStoreClient"/> with the standard resilience pipeline, tuned so that a
    /// retry can never apply a write twice: only GETs are retried. A write whose answer was lost
    /// fails the request (503) instead; the compare-and-set version makes a blind replay impossible anyway.
    /// </summary>
    public static IServiceCollection AddKvStoreClient(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(KvStoreClient)))
        {
            return services;
        }
        services.AddKvStoreClientTelemetry();
        services.AddOptions<KvStoreClientOptions>().BindConfiguration(KvStoreClientOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient<KvStoreClient>((sp, http) =>
            {
                var options = sp.GetRequiredService<IOptions<KvStoreClientOptions>>().Value;
                http.BaseAddress = options.BaseAddress;
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                http.Timeout = Timeout.InfiniteTimeSpan; // The resilience pipeline owns timeouts.
            })
            .AddStandardResilienceHandler()
            .Configure((HttpStandardResilienceOptions resilience, IServiceProvider sp) =>
            {
                var options = sp.GetRequiredService<IOptions<KvStoreClientOptions>>().Value;
                resilience.Retry.DisableForUnsafeHttpMethods();
                resilience.Retry.MaxRetryAttempts = 2;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(50);
                resilience.AttemptTimeout.Timeout = options.AttemptTimeout;
                resilience.TotalRequestTimeout.Timeout = options.RequestBudget;
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(Math.Max(5, options.AttemptTimeout.TotalSeconds * 2));
                resilience.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(2);
            });
        return services;
    }
}
