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
    public const string RedisConnectionName = "redis";

    /// <summary>
    /// The storage engine chosen by Storage:Backend (embedded SQLite, or a Redis-protocol server),
    /// wrapped in telemetry; the expiry sweeper for the embedded engine.
    /// </summary>
    public static WebApplicationBuilder AddKeyValueStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var backend = builder.Configuration.GetChoice(StorageOptions.SectionName + ":Backend", new StorageOptions().Backend);
        if (backend == StorageBackend.Redis)
        {
            var connectionString = builder.Configuration.GetConnectionString(RedisConnectionName);
            if (string.IsNullOrEmpty(connectionString))
            {
                throw new SettingException("Storage:Backend is Redis but ConnectionStrings:redis is not set (host:port[,host:port...][,password=...], or !/path/to/unix.socket for a Unix domain socket).");
            }
            // Aspire's client integration: the multiplexer (not aborting when the server is down at
            // start; /health reports it), a health check of every node, and a span per Redis command
            // when someone receives them (without an exporter, no command profiler runs at all).
            var tracing = builder.Configuration.ExportsTelemetry();
            builder.AddRedisClient(RedisConnectionName, settings => settings.DisableTracing = !tracing, configureOptions: redis =>
            {
                // A command for a node that is down fails at once (503) instead of queueing until the
                // client's 5 s timeout; it still waits for one reconnect attempt, which the connect
                // timeout bounds: 5 s by default, 0.5 s here unless the connection string says otherwise
                // (a cluster shard that is down measured 2.8-3.9 s per call with the default, 0.7-1.0 s with this).
                redis.BacklogPolicy = StackExchange.Redis.BacklogPolicy.FailFast;
                if (!connectionString.Contains("connectTimeout", StringComparison.OrdinalIgnoreCase))
                {
                    redis.ConnectTimeout = 500;
                }
                // The client refuses CLUSTER commands unless told: the health check asks CLUSTER INFO and the
                // listing reads the slot map (CLUSTER NODES). The store sends no FLUSH, CONFIG or SHUTDOWN;
                // what a connection may do on the server is the server's ACL.
                redis.AllowAdmin = true;
                // The client's exception messages name the command and its key by default, and the
                // store logs failures: a storage key (a keyed hash of a session id) must not reach logs.
                redis.IncludeDetailInExceptions = false;
            });
            builder.Services.AddSingleton<IKeyValueStorage>(sp => Instrument(sp, ActivatorUtilities.CreateInstance<RedisKeyValueStorage>(sp)));
            builder.Services.AddHostedService<RedisWarmUp>();
        }
        else
        {
            builder.Services.AddSingleton<SqliteKeyValueStorage>();
            builder.Services.AddSingleton<IKeyValueStorage>(sp => Instrument(sp, sp.GetRequiredService<SqliteKeyValueStorage>()));
            builder.Services.AddHostedService<ExpirySweeper>();
            builder.Services.AddHealthChecks().AddCheck<WriterHealthCheck>("storage-writer");
            builder.Services.AddHealthChecks().AddCheck<ReadOnlyStartHealthCheck>("storage-opened-read-only");
        }
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
        builder.Services.AddOptions<CredentialOptions>().BindConfiguration(CredentialOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<StoreExceptionHandler>();
        builder.Services.AddOpenApi();
        // Kestrel enforces the body limit too, so an endless chunked body is cut off at the limit.
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<StorageOptions>>((kestrel, storage) => kestrel.Limits.MaxRequestBodySize = storage.Value.MaxBodyBytes);
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
