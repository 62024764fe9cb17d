using System.Diagnostics;
using Counter.ServiceDefaults.Timing;
using Microsoft.Extensions.Options;

namespace Counter.Web.KvStore;

/// <summary>
/// Coalesces the session saves of concurrent page loads into batches, the way a Redis client
/// pipelines commands: at most <see cref="KvStoreClientOptions.MaxWritesInFlight"/> store writes
/// are outstanding per web process; a save that arrives while they all are waits in a queue, and
/// when a write finishes, everything queued goes out as one <c>POST /v1/batch</c> (one request, one
/// commit, one fsync for all of them). An idle or lightly loaded app therefore sends plain single
/// PUTs and loses nothing in latency, while a busy one pays the HTTP and commit cost once per batch
/// instead of once per page. Every write keeps its own compare-and-set condition and outcome: a put
/// the store fails (its shard is down) or refuses as too large fails for its own caller only. A batch
/// holds at most <see cref="KvStoreClientOptions.MaxBatchSize"/> saves and
/// <see cref="KvStoreClientOptions.MaxBatchBytes"/> bytes of values.
///
/// A queued save never waits longer than <see cref="KvStoreClientOptions.RequestBudget"/>: past it
/// the page answers 503 like any store failure, and if its batch has not left yet it never will.
/// Telemetry: the "kvstore batch" span hangs under the first caller's span and links to the others;
/// each batched caller's span carries <c>kvstore.batch_size</c>.
/// </summary>
internal sealed class WriteCoalescer(KvStoreHttp store, IOptions<KvStoreClientOptions> options)
{
    private readonly object _gate = new();
    private readonly Queue<Pending> _queue = new();
    private readonly KvStoreClientOptions _options = options.Value;
    private int _inFlight;

    public async Task<PutResult> PutIfAsync(ConditionalPut put, CancellationToken cancellationToken)
    {
        Pending? pending = null;
        lock (_gate)
        {
            if (_inFlight < _options.MaxWritesInFlight)
            {
                _inFlight++;
            }
            else
            {
                pending = new Pending(put, Activity.Current, ServerTimings.Current);
                _queue.Enqueue(pending);
            }
        }
        if (pending is null)
        {
            try
            {
                return await store.PutIfAsync(put, cancellationToken);
            }
            finally
            {
                ReleaseSlot();
            }
        }

        try
        {
            return await pending.Completion.Task.WaitAsync(_options.RequestBudget, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            pending.Abandon();
            throw new KvStoreUnavailableException($"The write waited {_options.RequestBudget.TotalSeconds} s for the store.", ex);
        }
    }

    /// <summary>A write finished: hand its slot to the queued writes as one batch, or free it.</summary>
    private void ReleaseSlot()
    {
        List<Pending> batch = [];
        lock (_gate)
        {
            long bytes = 0;
            while (_queue.TryPeek(out var next) && batch.Count < _options.MaxBatchSize
                   && (batch.Count == 0 || bytes + next.Put.Value.Length <= _options.MaxBatchBytes))
            {
                _queue.Dequeue();
                if (next.TryStart())
                {
                    next.Timings?.Add("save-queue", next.QueuedAt, Stopwatch.GetTimestamp());
                    batch.Add(next);
                    bytes += next.Put.Value.Length;
                }
            }
            if (batch.Count == 0)
            {
                _inFlight--;
                return;
            }
        }
        // The batch belongs to no single request: start it outside the caller's execution context.
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(() => SendAsync(batch));
        }
    }

    private async Task SendAsync(List<Pending> batch)
    {
        try
        {
            using var activity = StartBatchActivity(batch);
            // The batch's store call is a stage of every page in it.
            var shared = batch.Any(p => p.Timings is not null) ? new ServerTimings(Stopwatch.GetTimestamp()) : null;
            ServerTimings.Current = shared;
            var outcomes = await store.PutEachAsync([.. batch.Select(p => p.Put)], CancellationToken.None);
            for (var i = 0; i < batch.Count; i++)
            {
                if (shared is not null && batch[i].Timings is { } timings)
                {
                    shared.CopyTo(timings);
                }
                batch[i].Caller?.SetTag("kvstore.batch_size", batch.Count);
                if (outcomes[i].Failure is { } failure)
                {
                    batch[i].Completion.TrySetException(failure);
                }
                else
                {
                    batch[i].Completion.TrySetResult(outcomes[i].Result!);
                }
            }
        }
        catch (Exception ex)
        {
            var failure = ex is KvStoreUnavailableException or KvStoreValueTooLargeException
                ? ex
                : new KvStoreUnavailableException($"The batched write failed: {ex.GetType().Name}.", ex);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(failure);
            }
        }
        finally
        {
            ReleaseSlot();
        }
    }

    private static Activity? StartBatchActivity(List<Pending> batch)
    {
        var parent = batch[0].Caller?.Context ?? default;
        var links = batch.Skip(1).Where(p => p.Caller is not null).Select(p => new ActivityLink(p.Caller!.Context));
        var activity = KvStoreClientTelemetry.ActivitySource.StartActivity("kvstore batch", ActivityKind.Internal, parent, links: links);
        activity?.SetTag("kvstore.batch_size", batch.Count);
        return activity;
    }

    private sealed class Pending(ConditionalPut put, Activity? caller, ServerTimings? timings)
    {
        private const int Queued = 0, Started = 1, Abandoned = 2;
        private int _state;

        public ConditionalPut Put { get; } = put;

        /// <summary>The caller's current span (the session layer's "session save"), to tag and link.</summary>
        public Activity? Caller { get; } = caller;

        /// <summary>The caller's request stages, when web reports them (Server-Timing).</summary>
        public ServerTimings? Timings { get; } = timings;

        /// <summary>When it was queued (a <see cref="Stopwatch"/> timestamp), taken only for <see cref="Timings"/>.</summary>
        public long QueuedAt { get; } = timings is null ? 0 : Stopwatch.GetTimestamp();

        public TaskCompletionSource<PutResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>False when the caller gave up first: the write is then never sent.</summary>
        public bool TryStart() => Interlocked.CompareExchange(ref _state, Started, Queued) == Queued;

        public void Abandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued);
    }
}
