using System.Diagnostics;
using OpenTelemetry.Instrumentation.Http;

namespace Counter.Web.KvClient;

/// <summary>
/// Names the HTTP client spans of store calls for the dashboard's waterfall
/// ("GET kvstore /v1/keys/{key}") and records the URL with the key replaced by its template, so
/// storage keys never reach the telemetry backend.
/// </summary>
public static class KvStoreClientTelemetry
{
    private const string KeysPath = "/v1/keys/";

    public static IServiceCollection AddKvStoreClientTelemetry(this IServiceCollection services) =>
        services.Configure<HttpClientTraceInstrumentationOptions>(options => options.EnrichWithHttpRequestMessage = Enrich);

    private static void Enrich(Activity activity, HttpRequestMessage request)
    {
        if (request.RequestUri is not { } uri || !uri.AbsolutePath.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return;
        }
        var template = Template(uri.AbsolutePath);
        activity.DisplayName = $"{request.Method.Method} kvstore {template}";
        activity.SetTag("url.template", template);
        activity.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}{template}");
        activity.SetTag("peer.service", "kvstore");
    }

    private static string Template(string path) =>
        !path.StartsWith(KeysPath, StringComparison.Ordinal) || path.Length == KeysPath.Length ? path
        : path.EndsWith("/touch", StringComparison.Ordinal) ? KeysPath + "{key}/touch"
        : KeysPath + "{key}";
}
