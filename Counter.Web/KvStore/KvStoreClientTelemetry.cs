using System.Diagnostics;
using OpenTelemetry.Instrumentation.Http;

namespace Counter.Web.KvStore;

/// <summary>
/// The KV client's telemetry: its own span source (the "kvstore batch" span of a coalesced write),
/// and the HTTP client spans of store calls named as OpenTelemetry's HTTP conventions name them,
/// <c>{method} {url.template}</c> ("GET /v1/keys/{key}"), with the URL recorded by its template, so
/// storage keys never reach the telemetry backend.
/// </summary>
public static class KvStoreClientTelemetry
{
    public const string SourceName = "Counter.Web.KvStoreClient";
    internal static readonly ActivitySource ActivitySource = new(SourceName);

    private const string KeysPath = "/v1/keys/";

    public static IServiceCollection AddKvStoreClientTelemetry(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(SourceName));
        return services.Configure<HttpClientTraceInstrumentationOptions>(options => options.EnrichWithHttpRequestMessage = Enrich);
    }

    private static void Enrich(Activity activity, HttpRequestMessage request)
    {
        if (request.RequestUri is not { } uri || !uri.AbsolutePath.StartsWith("/v1/", StringComparison.Ordinal))
        {
            return;
        }
        var template = Template(uri.AbsolutePath);
        activity.DisplayName = $"{request.Method.Method} {template}";
        activity.SetTag("url.template", template);
        activity.SetTag("url.full", $"{uri.Scheme}://{uri.Authority}{template}");
        activity.SetTag("peer.service", "kvstore");
    }

    private static string Template(string path) =>
        !path.StartsWith(KeysPath, StringComparison.Ordinal) || path.Length == KeysPath.Length ? path
        : path.EndsWith("/touch", StringComparison.Ordinal) ? KeysPath + "{key}/touch"
        : KeysPath + "{key}";
}
