using System.Diagnostics.Metrics;
using Counter.KvStore.Storage;
using Counter.KvStore.Storage.Sqlite;
using Counter.KvStore.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Counter.Tests.KvStore;

/// <summary>
/// The embedded writer records each commit that succeeded, on a real SQLite file with an fsync per
/// commit: its duration and how many operations it carried; a batch rolled back records nothing.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CommitMetricsTests : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "counter-tests", "commits-" + Guid.NewGuid().ToString("N"));
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly SqliteConnection _connection;
    private readonly WriterCommands _commands;
    private readonly GroupCommitWriter _writer;
    private readonly MeterListener _listener = new();
    private readonly List<double> _durations = [];
    private readonly List<int> _operations = [];

    public CommitMetricsTests()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "kvstore.db");
        _connection = new SqliteConnection($"Data Source={path}");
        _connection.Open();
        SqliteSchema.Open(_connection, path, SyncMode.Full);
        _commands = new WriterCommands(_connection);
        var meters = _services.GetRequiredService<IMeterFactory>();
        // Only this test's meter: the factory hands out one meter per name, and other tests have their own factories.
        var meter = meters.Create(StoreTelemetry.SourceName);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == CommitMetrics.Duration)
            {
                lock (_durations) { _durations.Add(value); }
            }
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == CommitMetrics.Operations)
            {
                lock (_operations) { _operations.Add(value); }
            }
        });
        _listener.Start();
        _writer = new GroupCommitWriter(_connection, _commands, maxBatchSize: 16, maxQueued: 16, maxQueuedBytes: 10_000, keys: 0, bytes: 0,
            () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), NullLogger.Instance)
        {
            Metrics = new CommitMetrics(meters),
        };
    }

    [Fact]
    public async Task EachCommitRecordsItsDurationAndItsOperationsAndARolledBackBatchNothing()
    {
        // The first write holds the writer inside its batch, so the next two queue and go as one commit.
        using var taken = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var first = _writer.EnqueueAsync(_ =>
        {
            taken.Set();
            release.Wait(Bound);
            return 1;
        }, CancellationToken.None);
        Assert.True(taken.Wait(Bound), "The writer did not take the first write.");
        var second = _writer.EnqueueAsync(_ => 2, CancellationToken.None);
        var third = _writer.EnqueueAsync(_ => 3, CancellationToken.None);
        release.Set();
        var results = await Task.WhenAll(first, second, third).WaitAsync(Bound);
        Assert.Equal([1, 2, 3], results);

        await Assert.ThrowsAsync<StorageUnavailableException>(
            () => _writer.EnqueueAsync<int>(_ => throw new SqliteException("constraint failed", 19), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal([1, 2], _operations);
        Assert.Equal(2, _durations.Count);
        Assert.All(_durations, seconds => Assert.InRange(seconds, double.Epsilon, Bound.TotalSeconds));
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _listener.Dispose();
        _commands.Dispose();
        await _connection.DisposeAsync();
        SqliteConnection.ClearAllPools();
        await _services.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
