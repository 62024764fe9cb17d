using Counter.KvStore.Api;
using Counter.KvStore.Storage;
using Counter.KvStore.Storage.Redis;
using Counter.KvStore.Storage.Sqlite;
using Counter.KvStore.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Counter.KvStore;

/// <summary>Registration of the store's parts, so Program.cs reads as a table of contents.</summary>
public static class StoreSetup
{
    /// <summary>Settings that moved when each concern got its own section: old name → new name (docs/configuration.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> MovedSettings = new Dictionary<string, string>
    {
        ["Storage:DataPath"] = "Storage:Sqlite:DataPath",
        ["Storage:Synchronous"] = "Storage:Sqlite:Synchronous",
        ["Storage:MaxBatchSize"] = "Storage:Sqlite:MaxBatchSize",
        ["Storage:MaxQueuedWrites"] = "Storage:Sqlite:MaxQueuedWrites",
        ["Storage:MaxQueuedBytes"] = "Storage:Sqlite:MaxQueuedBytes",
        ["Storage:DataFolderWait"] = "Storage:Sqlite:DataFolderWait",
        ["Storage:SweepInterval"] = "Storage:Sqlite:SweepInterval",
        ["Storage:ScanPageSize"] = "Storage:Sqlite:ScanPageSize",
        ["Storage:ReplicaAcknowledgements"] = "Storage:Redis:ReplicaAcknowledgements",
        ["Storage:MaxKeyLength"] = "Api:MaxKeyLength",
        ["Storage:MaxValueBytes"] = "Api:MaxValueBytes",
        ["Storage:MaxBodyBytes"] = "Api:MaxBodyBytes",
    };

    /// <summary>
    /// The storage engine chosen by Storage:Backend (embedded SQLite, or a Redis-protocol server),
    /// each registering itself, wrapped in the store's telemetry.
    /// </summary>
    public static WebApplicationBuilder AddKeyValueStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetChoice(StorageOptions.SectionName + ":Backend", new StorageOptions().Backend) == StorageBackend.Redis)
        {
            builder.AddRedisStorage();
        }
        else
        {
            builder.AddSqliteStorage();
        }
        builder.Services.AddSingleton<IKeyValueStorage>(services => Instrument(services, services.GetRequiredKeyedService<IKeyValueStorage>(StorageEngine.Key)));
        return builder;
    }

    private static InstrumentedStorage Instrument(IServiceProvider services, IKeyValueStorage engine) =>
        new(engine, new StoreTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), () => engine.Totals));

    /// <summary>The store's own spans and metrics, registered by name.</summary>
    public static WebApplicationBuilder AddStoreTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(StoreTelemetry.SourceName))
            .WithMetrics(metrics => metrics.AddMeter(StoreTelemetry.SourceName));
        return builder;
    }

    /// <summary>Access control, error answers, body limits and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddStoreApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiLimits>().BindConfiguration(ApiLimits.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CredentialOptions>().BindConfiguration(CredentialOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StoreExceptionHandler>();
        builder.Services.AddOpenApi();
        // Kestrel enforces the body limit too, so an endless chunked body is cut off at the limit.
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<ApiLimits>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxBodyBytes);
        builder.Services.Configure<FormOptions>(form => form.ValueCountLimit = 1024);
        return builder;
    }

    public static WebApplication UseStoreApi(this WebApplication app)
    {
        // Every answer is JSON (or NDJSON): no browser may sniff it into something else.
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return next(context);
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<CredentialMiddleware>();
        app.MapOpenApi();
        app.MapOriginalApi();
        app.MapVersionedApi();
        return app;
    }
}
