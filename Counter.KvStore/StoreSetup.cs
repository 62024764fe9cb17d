using Counter.KvStore.Api;
using Counter.KvStore.Storage;
using Counter.KvStore.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Counter.KvStore;

/// <summary>Registration of the store's parts, so Program.cs reads as a table of contents.</summary>
public static class StoreSetup
{
    /// <summary>The storage engine (SQLite), wrapped in telemetry, plus the expiry sweeper.</summary>
    public static WebApplicationBuilder AddKeyValueStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SqliteKeyValueStorage>();
        builder.Services.AddSingleton(sp => new StoreTelemetry(
            sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            () => sp.GetRequiredService<SqliteKeyValueStorage>().Totals));
        builder.Services.AddSingleton<IKeyValueStorage>(sp =>
            new InstrumentedStorage(sp.GetRequiredService<SqliteKeyValueStorage>(), sp.GetRequiredService<StoreTelemetry>()));
        builder.Services.AddHostedService<ExpirySweeper>();
        return builder;
    }

    /// <summary>Access control, error answers, body limits and the OpenAPI document.</summary>
    public static WebApplicationBuilder AddStoreApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
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
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapOpenApi();
        app.MapOriginalApi();
        app.MapKeysApi();
        return app;
    }
}
