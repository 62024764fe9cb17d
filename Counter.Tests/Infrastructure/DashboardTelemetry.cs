using System.Diagnostics;
using System.Text.Json;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// Reads what the services exported, through the Aspire dashboard's telemetry HTTP API, i.e.
/// exactly what a person sees in the dashboard. Exporters batch, so reads poll until a
/// condition holds or the deadline passes.
/// </summary>
public sealed class DashboardTelemetry(Uri dashboardUrl, string apiKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = dashboardUrl, Timeout = TestTimeouts.Request, DefaultRequestHeaders = { { "x-api-key", apiKey } } };

    public static string NewTraceId() => ActivityTraceId.CreateRandom().ToHexString();

    /// <summary>The spans of one trace, once <paramref name="complete"/> holds for them.</summary>
    public async Task<IReadOnlyList<SpanRecord>> WaitForTraceAsync(string traceId, Func<IReadOnlyList<SpanRecord>, bool> complete)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<SpanRecord> spans = [];
        while (deadline.Elapsed < TestTimeouts.Telemetry)
        {
            using var response = await _http.GetAsync($"/api/telemetry/traces/{traceId}");
            if (response.IsSuccessStatusCode)
            {
                spans = Parse(await response.Content.ReadAsStringAsync());
                if (complete(spans))
                {
                    return spans;
                }
            }
            await Task.Delay(250);
        }
        Assert.Fail($"Trace {traceId} did not complete within {TestTimeouts.Telemetry}; it had {spans.Count} spans: "
            + string.Join(", ", spans.Select(s => $"{s.Service}:{s.Name}")));
        return spans;
    }

    /// <summary>Every log record as raw JSON text, once it contains <paramref name="text"/> (logs export in their own batches).</summary>
    public Task<string> WaitForLogsContainingAsync(string text) => WaitForLogsAsync(ReadAllLogsAsync, text);

    /// <summary>
    /// One trace's log records (every resource) as raw JSON text, once they contain <paramref name="text"/>:
    /// unlike the whole log, which a long-lived app may fill past the API's limit, a trace's logs are few.
    /// </summary>
    public Task<string> WaitForTraceLogsContainingAsync(string traceId, string text) =>
        WaitForLogsAsync(() => _http.GetStringAsync($"/api/telemetry/logs?traceId={traceId}&limit=10000"), text);

    private static async Task<string> WaitForLogsAsync(Func<Task<string>> read, string text)
    {
        var deadline = Stopwatch.StartNew();
        var logs = "";
        while (deadline.Elapsed < TestTimeouts.Telemetry)
        {
            logs = await read();
            if (logs.Contains(text, StringComparison.Ordinal))
            {
                return logs;
            }
            await Task.Delay(250);
        }
        Assert.Fail($"No log containing '{text}' arrived within {TestTimeouts.Telemetry}.");
        return logs;
    }

    /// <summary>Every log record of every resource (all replicas), as raw JSON text, for searching.</summary>
    public Task<string> ReadAllLogsAsync() => _http.GetStringAsync("/api/telemetry/logs?limit=10000");

    /// <summary>Every span of every resource (all replicas), as raw JSON text, for searching.</summary>
    public Task<string> ReadAllSpansAsync() => _http.GetStringAsync("/api/telemetry/spans?limit=10000");

    public static IReadOnlyList<SpanRecord> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var spans = new List<SpanRecord>();
        foreach (var resourceSpans in FindArrays(document.RootElement, "resourceSpans").SelectMany(a => a.EnumerateArray()))
        {
            var resource = Attributes(resourceSpans.GetProperty("resource"));
            var service = resource.GetValueOrDefault("service.name", "?");
            var instance = resource.GetValueOrDefault("service.instance.id", "?");
            foreach (var scope in resourceSpans.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new SpanRecord(
                        service,
                        instance,
                        span.GetProperty("traceId").GetString()!,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) && parent.GetString() is { Length: > 0 } p ? p : null,
                        span.GetProperty("name").GetString()!,
                        span.TryGetProperty("kind", out var kind) && kind.ValueKind == JsonValueKind.Number ? kind.GetInt32() : 0,
                        Attributes(span)));
                }
            }
        }
        return spans;
    }

    private static Dictionary<string, string> Attributes(JsonElement owner)
    {
        var result = new Dictionary<string, string>();
        if (owner.TryGetProperty("attributes", out var attributes))
        {
            foreach (var attribute in attributes.EnumerateArray())
            {
                var value = attribute.GetProperty("value");
                result[attribute.GetProperty("key").GetString()!] =
                    value.TryGetProperty("stringValue", out var text) ? text.GetString()! : value.ToString();
            }
        }
        return result;
    }

    private static IEnumerable<JsonElement> FindArrays(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (property.NameEquals(name) && property.Value.ValueKind == JsonValueKind.Array)
                {
                    yield return property.Value;
                }
                else
                {
                    foreach (var found in FindArrays(property.Value, name))
                    {
                        yield return found;
                    }
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                foreach (var found in FindArrays(item, name))
                {
                    yield return found;
                }
            }
        }
    }

    public void Dispose() => _http.Dispose();
}
