namespace Counter.Tests.Infrastructure;

/// <summary>One exported span as the dashboard holds it.</summary>
public sealed record SpanRecord(
    string Service, string Instance, string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public const int ServerKind = 2;
    public const int ClientKind = 3;
}
