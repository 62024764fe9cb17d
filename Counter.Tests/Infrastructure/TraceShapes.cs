namespace Counter.Tests.Infrastructure;

/// <summary>What the spans of a page load look like in the dashboard, for the tests that wait for them.</summary>
public static class TraceShapes
{
    public static bool IsWebServerSpan(SpanRecord span) => span.Service == "web" && span.Kind == SpanRecord.ServerKind;

    /// <summary>
    /// A page load's trace is complete when the web server span (which ends after its children) is
    /// there and each of its store calls has arrived down to the storage operation.
    /// </summary>
    public static bool IsCompleteStoreTrace(IReadOnlyList<SpanRecord> spans) =>
        spans.Any(IsWebServerSpan) && spans.Any(IsStoreCall)
        && spans.Count(s => s.Name.StartsWith("kv ", StringComparison.Ordinal)) == spans.Count(IsStoreCall);

    /// <summary>web's HTTP client span of a call to the store (named <c>{method} {url.template}</c>, marked <c>peer.service=kvstore</c>).</summary>
    public static bool IsStoreCall(SpanRecord span) =>
        span.Service == "web" && span.Kind == SpanRecord.ClientKind && span.Attributes.GetValueOrDefault("peer.service") == "kvstore";
}
