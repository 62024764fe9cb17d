using Counter.KvStore;
using Counter.KvStore.Dump;
using Counter.KvStore.Storage.Sqlite;
using Counter.ServiceDefaults.Testing;

// `dotnet run --project Counter.KvStore -- dump` prints every session in a running store.
if (args is ["dump", .. var dumpArgs])
{
    return await DumpCommand.RunAsync(dumpArgs);
}

var builder = WebApplication.CreateBuilder(args);

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

app.MapDefaultEndpoints();
app.UseStoreApi();
// After the credential check: the hooks need the store's credential too.
app.UseTestingHooks();

try
{
    await app.RunAsync();
}
catch (DataFolderInUseException ex)
{
    // Already logged by the host; a plain exit code instead of an abort (and a core dump).
    await Console.Error.WriteLineAsync(ex.Message);
    return 3;
}
return 0;
