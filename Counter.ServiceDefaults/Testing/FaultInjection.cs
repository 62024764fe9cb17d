using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Counter.ServiceDefaults.Testing;

/// <summary>
/// Fault injection for the reliability tests, and only for them: with <c>Testing:FaultInjection=true</c>,
/// <c>POST /_testing/faults?delayMs=N</c> makes every request (not the health probes) wait N ms
/// before it is served, so a test can prove that the web app gives up on a slow store at its time
/// bound, does not pile up threads or connections, and recovers when the store does. 0 turns the
/// delay off. A caller that gives up ends its wait at once (the request is aborted).
/// <c>ignoreIfMatch=true</c> makes the service deliberately wrong, so the campaign's checker can be
/// shown to catch a store that breaks its promises: every request loses its <c>If-Match</c> and
/// <c>If-None-Match</c> headers, and the items of a <c>/v1/batch</c> body their <c>ifMatch</c> and
/// <c>ifNoneMatch</c> fields, before the service sees them (a compare-and-set becomes a blind write);
/// <c>false</c> turns it off. Either or both may be given. The AppHost turns it on for the store only.
/// </summary>
internal static class FaultInjection
{
    public const string SettingName = "Testing:FaultInjection";
    public const string EndpointPath = "/_testing/faults";
    private const string BatchPath = "/v1/batch";

    public static void Use(WebApplication app, RouteGroupBuilder hooks)
    {
        if (!app.Configuration.GetValue<bool>(SettingName))
        {
            return;
        }
        var delayMs = 0;
        var ignoreConditions = false;
        hooks.MapPost(EndpointPath, ([Microsoft.AspNetCore.Mvc.FromQuery(Name = "delayMs")] int? requestedDelayMs, bool? ignoreIfMatch) =>
        {
            if (requestedDelayMs is null && ignoreIfMatch is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "No fault given",
                    detail: "Give delayMs=N (0 ends the delay) or ignoreIfMatch=true|false, or both.");
            }
            if (requestedDelayMs is { } requested)
            {
                Volatile.Write(ref delayMs, Math.Clamp(requested, 0, 600_000));
            }
            if (ignoreIfMatch is { } ignore)
            {
                Volatile.Write(ref ignoreConditions, ignore);
            }
            return Results.Ok(new { delayMs = Volatile.Read(ref delayMs), ignoreIfMatch = Volatile.Read(ref ignoreConditions), processId = Environment.ProcessId });
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
            if (Volatile.Read(ref ignoreConditions) && !IsExempt(context.Request.Path))
            {
                await DropConditionsAsync(context.Request);
            }
            await next(context);
        });
    }

    /// <summary>The deliberate defect: the request as if it carried no precondition.</summary>
    private static async Task DropConditionsAsync(HttpRequest request)
    {
        request.Headers.IfMatch = default;
        request.Headers.IfNoneMatch = default;
        if (!HttpMethods.IsPost(request.Method) || !request.Path.Equals(BatchPath, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        // A body the service would refuse is left as it is: the service answers it as usual.
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        var body = buffer.ToArray();
        try
        {
            if (JsonNode.Parse(body) is JsonObject { } root && root["puts"] is JsonArray puts)
            {
                foreach (var item in puts.OfType<JsonObject>())
                {
                    item.Remove("ifMatch");
                    item.Remove("ifNoneMatch");
                }
                body = System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }
        request.Body = new MemoryStream(body);
        request.ContentLength = body.Length;
    }

    private static bool IsExempt(PathString path) =>
        path.StartsWithSegments(EndpointPath)
        || path.StartsWithSegments(Extensions.HealthEndpointPath)
        || path.StartsWithSegments(Extensions.AlivenessEndpointPath);
}
