using Microsoft.AspNetCore.Builder;
using Counter.ServiceDefaults;
using Counter.ServiceDefaults.Timing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Shared wiring for every Counter service: telemetry, health checks, service discovery, the
/// system clock and the Server-Timing switch. Mirrors the Aspire service-defaults template, except that HTTP clients get no
/// default resilience pipeline: the only client (web's KV client) tunes its own, because a store
/// client must never retry a write. Each service registers its own span sources and meters by name.
/// </summary>
public static class Extensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// How long one run of a health check answers /health and /alive: any rate of probes costs each
    /// check at most one run per this interval (see <see cref="CachedHealthCheck"/>), and a change of
    /// state shows within it.
    /// </summary>
    public static readonly TimeSpan HealthResultLifetime = TimeSpan.FromSeconds(1);

    /// <summary>The OpenTelemetry SDK's own switch, read from configuration (environment variables included).</summary>
    private const string SdkDisabledSetting = "OTEL_SDK_DISABLED";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddServerTiming();
        return builder;
    }

    /// <summary>Whether the service exports telemetry: the AppHost gives it an OTLP endpoint (its dashboard); a service run on its own has none.</summary>
    public static bool ExportsTelemetry(this IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var exporting = builder.Configuration.ExportsTelemetry();
        if (!exporting && builder.Configuration[SdkDisabledSetting] is null)
        {
            // Nobody receives telemetry: every OpenTelemetry provider (traces, metrics, logs) is then a
            // no-op, so a request pays for no span, no metric aggregation and no instrumentation
            // callbacks. The meters themselves stay: dotnet-counters reads them directly.
            builder.Configuration.AddInMemoryCollection([new(SdkDisabledSetting, "true")]);
        }

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            // No scopes: ASP.NET Core's request scope carries the raw RequestPath, and the store's
            // paths name keys (keyed hashes of session ids). Each record keeps its trace and span id.
            logging.IncludeScopes = false;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing =>
            {
                tracing
                    .AddAspNetCoreInstrumentation(aspnet =>
                    {
                        // Health probes would drown the traces that matter.
                        aspnet.Filter = context =>
                            !context.Request.Path.StartsWithSegments(HealthEndpointPath)
                            && !context.Request.Path.StartsWithSegments(AlivenessEndpointPath);
                        // Paths can carry keys (and keys can derive from session ids): record the route template instead.
                        aspnet.EnrichWithHttpResponse = TelemetryRedaction.RecordRouteInsteadOfPath;
                    })
                    .AddHttpClientInstrumentation();
            });

        if (exporting)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        // After every registration (the service's own, an Aspire integration's): each check's result is shared for a while.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            var registrations = options.Registrations.ToList();
            options.Registrations.Clear();
            foreach (var registration in registrations)
            {
                options.Registrations.Add(CachedHealthCheck.Wrap(registration, HealthResultLifetime));
            }
        });
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // Health endpoints answer without a credential so the orchestrator can probe them;
        // they reveal only "Healthy"/"Unhealthy", never details.
        app.MapHealthChecks(HealthEndpointPath);
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains("live"),
        });
        return app;
    }
}
