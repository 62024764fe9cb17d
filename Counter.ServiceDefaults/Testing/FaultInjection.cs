using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Counter.ServiceDefaults.Testing;

/// <summary>
/// Latency injection for the reliability tests, and only for them: with
/// <c>Testing:FaultInjection=true</c>, <c>POST /_testing/faults?delayMs=N</c> makes every request
/// (not the health probes) wait N ms before it is served, so a test can prove that the web app gives
/// up on a slow store at its time bound, does not pile up threads or connections, and recovers when
/// the store does. 0 turns the delay off. A caller that gives up ends its wait at once (the request
/// is aborted). The AppHost turns it on for the store only.
/// </summary>
internal static class FaultInjection
{
    public const string SettingName = "Testing:FaultInjection";
    public const string EndpointPath = "/_testing/faults";

    public static void Use(WebApplication app, RouteGroupBuilder hooks)
    {
        if (!app.Configuration.GetValue<bool>(SettingName))
        {
            return;
        }
        var delayMs = 0;
        hooks.MapPost(EndpointPath, ([Microsoft.AspNetCore.Mvc.FromQuery(Name = "delayMs")] int requestedDelayMs) =>
        {
            Volatile.Write(ref delayMs, Math.Clamp(requestedDelayMs, 0, 600_000));
            return Results.Ok(new { delayMs = requestedDelayMs, processId = Environment.ProcessId });
        }).ExcludeFromDescription();
        app.Use(async (context, next) =>
        {
            var delay = Volatile.Read(ref delayMs);
            if (delay > 0 && !IsExempt(context.Request.Path))
            {
                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
                {
                    return; // The caller gave up; nobody is listening for an answer.
                }
            }
            await next(context);
        });
    }

    private static bool IsExempt(PathString path) =>
        path.StartsWithSegments(EndpointPath)
        || path.StartsWithSegments(Extensions.HealthEndpointPath)
        || path.StartsWithSegments(Extensions.AlivenessEndpointPath);
}
