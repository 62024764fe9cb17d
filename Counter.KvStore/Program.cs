using Counter.KvStore;
using Counter.KvStore.Dump;
using Counter.KvStore.Storage.Sqlite;
using Counter.ServiceDefaults.Testing;
using Counter.ServiceDefaults.Timing;

// `dotnet run --project Counter.KvStore -- dump` prints every session in a running store.
if (args is ["dump", .. var dumpArgs])
{
    return await DumpCommand.RunAsync(dumpArgs);
}

// A setting the store cannot run with ends it with one line and exit code 2 (docs/configuration.md).
return await ServiceStart.RunAsync(async () =>
{
    var builder = ServiceStart.CreateBuilder(args);
    builder.MoveSettings(StoreSetup.MovedSettings);

    // Telemetry, health checks, service discovery and the clock shared by every Counter service.
    builder.AddServiceDefaults();
    // Test-only hooks (a movable clock, injected latency), each off unless its Testing:* setting is true.
    builder.AddTestingHooks();
    // The durable storage engine and its expiry sweeper, and the store's spans and metrics.
    builder.AddKeyValueStorage();
    builder.AddStoreTelemetry();
    // Credential check, problem-details errors, limits, OpenAPI.
    builder.AddStoreApi();

    var app = builder.Build();
    ServiceStart.ValidateSettings(app.Services);

    // The embedded engine opens its data folder now: a folder it cannot use ends the process with one
    // log line and its exit code (docs/guarantees.md), before anything listens.
    if (EmbeddedStart.Open(app.Services) is { } refused)
    {
        await app.DisposeAsync(); // Flushes the log.
        return refused;
    }

    // Each answer's stages (queue, apply, commit…) as a Server-Timing header when ServerTiming:Enabled is on.
    app.UseServerTiming();
    app.MapDefaultEndpoints();
    app.UseStoreApi();
    // After the credential check: the hooks need the store's credential too.
    app.UseTestingHooks();

    await app.RunAsync();
    return 0;
});
