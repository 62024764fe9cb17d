using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Counter.Tests.Dashboard;

/// <summary>
/// The service defaults' telemetry costs only when someone receives it: with no OTLP exporter, no
/// OpenTelemetry provider listens to the services' span sources or meters (a span or a measurement
/// then costs its caller nothing); with one, both are listened to. Each case uses its own source and
/// meter name, so no other host in the test process can be the listener.
/// </summary>
[Trait("Category", "Unit")]
public sealed class TelemetryListenerTests
{
    [Fact]
    public async Task WithoutAnExporterNothingListensToTheServicesSpansOrMeters()
    {
        var (spansHeard, measurementsHeard) = await ListenedToAsync(otlpEndpoint: null);

        Assert.False(spansHeard, "A span source was listened to although no exporter is configured.");
        Assert.False(measurementsHeard, "A meter was listened to although no exporter is configured.");
    }

    [Fact]
    public async Task WithAnExporterTheServicesSpansAndMetersAreListenedTo()
    {
        // Nothing listens at this address: the exporter's failures stay in the background.
        var (spansHeard, measurementsHeard) = await ListenedToAsync(otlpEndpoint: "http://127.0.0.1:9");

        Assert.True(spansHeard, "With an exporter, the service's span source had no listener.");
        Assert.True(measurementsHeard, "With an exporter, the service's meter had no listener.");
    }

    private static async Task<(bool Spans, bool Measurements)> ListenedToAsync(string? otlpEndpoint)
    {
        var name = "Counter.Tests.Telemetry." + Guid.NewGuid().ToString("N");
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection([new("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint)]);
        builder.AddServiceDefaults();
        // As each service registers its own source and meter.
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(name))
            .WithMetrics(metrics => metrics.AddMeter(name));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            using var source = new ActivitySource(name);
            using var meter = new Meter(name);
            var counter = meter.CreateCounter<long>("probe");
            return (source.HasListeners(), counter.Enabled);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
