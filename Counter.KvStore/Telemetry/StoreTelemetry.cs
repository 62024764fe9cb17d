using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Counter.KvStore.Telemetry;

/// <summary>
/// The store's own spans and metrics. Spans sit under the ASP.NET Core server span, so the
/// dashboard shows: HTTP request → storage operation. Keys are never recorded (they may be
/// derived from session identifiers); operation and outcome are.
/// </summary>
public sealed class StoreTelemetry
{
    public const string SourceName = "Counter.KvStore";
    public static readonly ActivitySource ActivitySource = new(SourceName);

    public static class Instruments
    {
        public const string Operations = "kvstore.operations";
        public const string LiveKeys = "kvstore.keys";
        public const string StoredBytes = "kvstore.stored_bytes";
    }

    public static class Outcomes
    {
        public const string Hit = "hit";
        public const string Miss = "miss";
        public const string Written = "written";
        public const string Conflict = "conflict";
        public const string Error = "error";

        /// <summary>An operation over many keys (list, scan, sweep, delete by prefix) that ran to its end.</summary>
        public const string Completed = "completed";
    }

    private readonly Counter<long> _operations;

    public StoreTelemetry(IMeterFactory meterFactory, Func<(long Keys, long Bytes)> totals)
    {
        var meter = meterFactory.Create(SourceName);
        _operations = meter.CreateCounter<long>(Instruments.Operations, "{operation}", "Storage operations by kind and outcome");
        meter.CreateObservableGauge(Instruments.LiveKeys, () => totals().Keys, "{key}", "Keys stored (expired keys count until reclaimed)");
        meter.CreateObservableGauge(Instruments.StoredBytes, () => totals().Bytes, "By", "Bytes of values stored");
    }

    public static Activity? StartOperation(string operation)
    {
        var activity = ActivitySource.StartActivity($"kv {operation}", ActivityKind.Internal);
        activity?.SetTag("db.system.name", "counter-kvstore");
        activity?.SetTag("db.operation.name", operation);
        return activity;
    }

    /// <summary>
    /// Counts one operation of a batch (the batch's span carries the batch as a whole), tagged as
    /// OpenTelemetry names things: <c>db.operation.name</c>, <c>kvstore.outcome</c>, and for a failure
    /// <c>error.type</c> (the exception's type, or what the storage answered: <c>unavailable</c>, <c>too_large</c>).
    /// </summary>
    public void Count(string operation, string outcome, string? errorType = null)
    {
        var tags = new TagList { { "db.operation.name", operation }, { "kvstore.outcome", outcome } };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }
        _operations.Add(1, tags);
    }

    public void Record(Activity? activity, string operation, string outcome, string? errorType = null)
    {
        activity?.SetTag("kvstore.outcome", outcome);
        if (outcome == Outcomes.Error)
        {
            activity?.SetStatus(ActivityStatusCode.Error);
            activity?.SetTag("error.type", errorType ?? "_OTHER");
        }
        Count(operation, outcome, outcome == Outcomes.Error ? errorType ?? "_OTHER" : null);
    }
}
