using System.Diagnostics;
using System.Diagnostics.Metrics;
using Counter.KvStore.Telemetry;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// The writer's commits on the store's meter: how long each took (the WAL write and, with
/// <c>Synchronous=Full</c>, its fsync) and how many operations it carried (a single-key write, or a
/// whole <c>POST /v1/batch</c>: web's coalesced saves arrive as one). Every acknowledged write waited
/// for one commit, so the duration is the disk's health as users feel it (etcd's
/// <c>wal_fsync_duration_seconds</c> plays this part): when its p99 climbs, pages slow down with it.
/// </summary>
public sealed class CommitMetrics
{
    public const string Duration = "kvstore.commit.duration";
    public const string Operations = "kvstore.commit.operations";

    // From 0.1 ms (a flush to a fast disk) to 10 s (a disk that has stopped answering).
    private static readonly double[] DurationBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
    private static readonly int[] OperationsBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _operations;

    public CommitMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(StoreTelemetry.SourceName);
        _duration = meter.CreateHistogram(Duration, "s", "Time the embedded store's commits took: the WAL write and, with Synchronous=Full, its fsync",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _operations = meter.CreateHistogram(Operations, "{operation}", "Operations (a single-key write, or a batch of them) applied by each commit of the embedded store",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = OperationsBuckets });
    }

    /// <summary>A commit that succeeded, from the start of its commit to its end (<see cref="Stopwatch"/> timestamps).</summary>
    public void Record(long committingAt, long committedAt, int operations)
    {
        _duration.Record(Stopwatch.GetElapsedTime(committingAt, committedAt).TotalSeconds);
        _operations.Record(operations);
    }
}
