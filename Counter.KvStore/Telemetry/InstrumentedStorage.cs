using System.Diagnostics;
using System.Runtime.CompilerServices;
using Counter.KvStore.Storage;
using Counter.ServiceDefaults.Timing;

namespace Counter.KvStore.Telemetry;

/// <summary>
/// Wraps any storage engine with a span and an outcome metric per operation, and the time it took as the
/// request's <c>storage</c> stage (Server-Timing).
/// </summary>
public sealed class InstrumentedStorage(IKeyValueStorage inner, StoreTelemetry telemetry) : IKeyValueStorage
{
    private const string StorageStage = "storage";

    public (long Keys, long Bytes) Totals => inner.Totals;

    public Task<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken) =>
        RunAsync("get", () => inner.GetAsync(key, cancellationToken), e => e is null ? StoreTelemetry.Outcomes.Miss : StoreTelemetry.Outcomes.Hit);

    public Task<WriteResult> PutAsync(string key, byte[] value, WriteCondition condition, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        RunAsync("put", () => inner.PutAsync(key, value, condition, timeToLive, cancellationToken), PutOutcome);

    public Task PutManyAsync(IReadOnlyList<KeyValuePair<string, byte[]>> entries, CancellationToken cancellationToken) =>
        RunAsync("put_many", async () => { await inner.PutManyAsync(entries, cancellationToken); return true; }, _ => StoreTelemetry.Outcomes.Written);

    public Task<IReadOnlyList<WriteResult>> PutEachAsync(IReadOnlyList<PutRequest> puts, CancellationToken cancellationToken) =>
        RunEachAsync("put", puts.Count, () => inner.PutEachAsync(puts, cancellationToken), PutOutcome);

    public Task<DeleteResult> DeleteAsync(string key, WriteCondition condition, CancellationToken cancellationToken) =>
        RunAsync("delete", () => inner.DeleteAsync(key, condition, cancellationToken), r => r.Outcome switch
        {
            DeleteOutcome.Deleted => StoreTelemetry.Outcomes.Hit,
            DeleteOutcome.NotFound => StoreTelemetry.Outcomes.Miss,
            _ => StoreTelemetry.Outcomes.Conflict,
        });

    public Task<long?> TouchAsync(string key, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        RunAsync("touch", () => inner.TouchAsync(key, timeToLive, cancellationToken), v => v is null ? StoreTelemetry.Outcomes.Miss : StoreTelemetry.Outcomes.Hit);

    public Task<long> DeletePrefixAsync(string prefix, CancellationToken cancellationToken) =>
        RunAsync("delete_prefix", () => inner.DeletePrefixAsync(prefix, cancellationToken), _ => StoreTelemetry.Outcomes.Completed);

    public Task<KeyPage> ListAsync(string prefix, string? cursor, int limit, CancellationToken cancellationToken) =>
        RunAsync("list", () => inner.ListAsync(prefix, cursor, limit, cancellationToken), _ => StoreTelemetry.Outcomes.Completed);

    public Task<long> CountAsync(string prefix, CancellationToken cancellationToken) =>
        RunAsync("count", () => inner.CountAsync(prefix, cancellationToken), _ => StoreTelemetry.Outcomes.Completed);

    public async IAsyncEnumerable<StoredEntry> ScanAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var activity = StoreTelemetry.StartOperation("scan");
        var count = 0;
        await foreach (var entry in inner.ScanAsync(prefix, cancellationToken))
        {
            count++;
            yield return entry;
        }
        activity?.SetTag("kvstore.entries", count);
        telemetry.Record(activity, "scan", StoreTelemetry.Outcomes.Completed);
    }

    public Task<int> SweepExpiredAsync(int limit, CancellationToken cancellationToken) =>
        RunAsync("sweep", () => inner.SweepExpiredAsync(limit, cancellationToken), _ => StoreTelemetry.Outcomes.Completed);

    /// <summary>One "kv put_each" span for the batch, one metric count per operation in it.</summary>
    private async Task<IReadOnlyList<T>> RunEachAsync<T>(string operation, int count, Func<Task<IReadOnlyList<T>>> run, Func<T, string> outcome)
    {
        using var activity = StoreTelemetry.StartOperation(operation + "_each");
        activity?.SetTag("kvstore.batch_size", count);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var results = await run();
            ServerTimings.Current?.Add(StorageStage, started, Stopwatch.GetTimestamp());
            string? worst = null;
            foreach (var result in results)
            {
                var each = outcome(result);
                telemetry.Count(operation, each, each == StoreTelemetry.Outcomes.Error ? ErrorType(result) : null);
                worst = each == StoreTelemetry.Outcomes.Error || worst == StoreTelemetry.Outcomes.Error ? StoreTelemetry.Outcomes.Error
                    : each == StoreTelemetry.Outcomes.Conflict ? each : worst ?? each;
            }
            // The batch's span: error if any put failed, else conflict if any was refused, else written.
            activity?.SetTag("kvstore.outcome", worst);
            if (worst == StoreTelemetry.Outcomes.Error)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
                activity?.SetTag("error.type", results.Select(ErrorType).First(type => type is not null));
            }
            return results;
        }
        catch (Exception ex)
        {
            telemetry.Record(activity, operation, StoreTelemetry.Outcomes.Error, ex.GetType().FullName);
            throw;
        }
    }

    /// <summary>What a failed put of a batch answered, as error.type (null for any other result).</summary>
    private static string? ErrorType<T>(T result) => result is WriteResult { Outcome: var outcome } ? outcome switch
    {
        WriteOutcome.Unavailable => "unavailable",
        WriteOutcome.TooLarge => "too_large",
        _ => null,
    } : null;

    private static string PutOutcome(WriteResult result) => result.Outcome switch
    {
        WriteOutcome.PreconditionFailed => StoreTelemetry.Outcomes.Conflict,
        WriteOutcome.Unavailable or WriteOutcome.TooLarge => StoreTelemetry.Outcomes.Error,
        _ => StoreTelemetry.Outcomes.Written,
    };

    private async Task<T> RunAsync<T>(string operation, Func<Task<T>> run, Func<T, string> outcome)
    {
        using var activity = StoreTelemetry.StartOperation(operation);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await run();
            ServerTimings.Current?.Add(StorageStage, started, Stopwatch.GetTimestamp());
            telemetry.Record(activity, operation, outcome(result));
            return result;
        }
        catch (Exception ex)
        {
            telemetry.Record(activity, operation, StoreTelemetry.Outcomes.Error, ex.GetType().FullName);
            throw;
        }
    }
}
