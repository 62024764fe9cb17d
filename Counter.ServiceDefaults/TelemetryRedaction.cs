using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What the services record about a request URL. Server spans keep the route template
/// (<c>/v1/keys/{key}</c>) and never the concrete path, so no key, and nothing derived from a
/// session identifier, reaches the telemetry backend.
/// </summary>
public static class TelemetryRedaction
{
    public static void RecordRouteInsteadOfPath(Activity activity, HttpResponse response)
    {
        var template = (response.HttpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
        activity.SetTag("url.path", template is null ? "(unmatched)" : "/" + template.TrimStart('/'));
    }
}
