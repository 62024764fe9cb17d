using Counter.KvStore;
using Counter.KvStore.Api;
using Counter.KvStore.Dump;

// `dotnet run --project Counter.KvStore -- dump` prints every session in a running store.
if (args is ["dump", .. var dumpArgs])
{
    return await DumpCommand.RunAsync(dumpArgs);
}

var builder = WebApplication.CreateBuilder(args);

// Telemetry, health checks and service discovery shared by every Counter service.
builder.AddServiceDefaults();
// A clock the integration tests can move, only when Testing:ClockControl is set.
builder.AddTestClock();
// The durable storage engine and its expiry sweeper.
builder.AddKeyValueStorage();
// Credential check, problem-details errors, limits, OpenAPI.
builder.AddStoreApi();

var app = builder.Build();

app.MapDefaultEndpoints();
app.UseStoreApi();
app.MapTestClock();
// Injected latency, only when Testing:FaultInjection is set (reliability tests).
app.UseStoreFaults();

await app.RunAsync();
return 0;
