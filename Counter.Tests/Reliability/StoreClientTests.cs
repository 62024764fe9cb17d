using Counter.Tests.Campaign;

namespace Counter.Tests.Reliability;

/// <summary>
/// An operation that gets no answer (a partition drops its packets until the client's timeout) is
/// recorded as unknown (<c>info</c>): it may have been applied, so the checker must not take it as failed.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StoreClientTests
{
    [Fact]
    public async Task EveryOperationCutOffUntilItsTimeoutIsRecordedAsUnknown()
    {
        var history = new HistoryRecorder();
        using var http = new HttpClient(new SilentHandler()) { BaseAddress = new Uri("http://127.0.0.1:1"), Timeout = TimeSpan.FromMilliseconds(50) };
        var client = new StoreClient(0, http, history, ["k0", "k1"], new Random(7), ttlSeconds: 60);
        using var stop = new CancellationTokenSource();

        // With every request unanswered the client's random choices are the same each time: its first
        // dozen operations hold reads, single writes and a batch.
        var running = client.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (history.Snapshot().Count < 12 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        var operations = history.Snapshot().OfType<StoreOperation>().ToList();
        Assert.Contains(operations, operation => operation.Kind == StoreOperationKind.Put && operation.Batch is null);
        Assert.Contains(operations, operation => operation.Batch is not null);
        Assert.Contains(operations, operation => operation.Kind == StoreOperationKind.Read);
        Assert.All(operations, operation => Assert.Equal((Outcome.Info, "timeout"), (operation.Outcome, operation.Note)));
    }

    /// <summary>A store behind a partition: the request goes out, no answer ever comes back.</summary>
    private sealed class SilentHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("Unreachable.");
        }
    }
}
