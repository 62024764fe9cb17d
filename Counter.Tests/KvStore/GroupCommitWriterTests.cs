using System.Diagnostics.Metrics;
using Counter.KvStore.Storage;
using Counter.KvStore.Storage.Sqlite;
using Counter.KvStore.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Counter.Tests.KvStore;

/// <summary>
/// The embedded engine's writer on a real SQLite file, without an app: a queue bounded by count and
/// by bytes, no write applied after its caller gave up, a refusing disk that recovers, an I/O error
/// that stops the writer for good instead of acknowledging anything after it, a blocked commit
/// that shows in how long the oldest write has been waiting, and each successful commit's duration
/// and operations recorded as metrics.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync.")]
[Trait("Category", "Unit")]
public sealed class GroupCommitWriterTests : IAsyncLifetime
{
    private const int QueueLength = 2;
    private const long QueueBytes = 1000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "counter-tests", "writer-" + Guid.NewGuid().ToString("N"));
    private SqliteConnection _connection = null!;
    private WriterCommands _commands = null!;
    private GroupCommitWriter _writer = null!;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MeterListener _listener = new();
    private readonly List<double> _commitDurations = [];
    private readonly List<int> _commitOperations = [];

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var path = Path.Combine(_folder, "kvstore.db");
        _connection = new SqliteConnection($"Data Source={path}");
        _connection.Open();
        SqliteSchema.Open(_connection, path, SyncMode.Normal);
        _commands = new WriterCommands(_connection);
        var meters = _services.GetRequiredService<IMeterFactory>();
        ListenToCommits(meters.Create(StoreTelemetry.SourceName));
        _writer = new GroupCommitWriter(_connection, _commands, maxBatchSize: 16, maxQueued: QueueLength, maxQueuedBytes: QueueBytes, keys: 0, bytes: 0,
            () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), NullLogger.Instance)
        {
            Metrics = new CommitMetrics(meters),
        };
        return ValueTask.CompletedTask;
    }

    /// <summary>Only this test's meter: its own factory hands it out, and other tests have theirs.</summary>
    private void ListenToCommits(Meter meter)
    {
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
                lock (_commitDurations) { _commitDurations.Add(value); }
            }
        });
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            if (instrument.Name == CommitMetrics.Operations)
            {
                lock (_commitOperations) { _commitOperations.Add(value); }
            }
        });
        _listener.Start();
    }

    [Fact]
    public async Task EachCommitRecordsItsDurationAndItsOperationsAndARolledBackBatchNothing()
    {
        // The held write commits alone; the two queued behind it go as one commit.
        Task<bool[]> written;
        using (var hold = new HeldWriter(_writer))
        {
            var queued = Enumerable.Range(0, QueueLength).Select(_ => _writer.EnqueueAsync(_ => true, CancellationToken.None));
            written = Task.WhenAll([hold.Write, .. queued]);
            hold.Release();
        }
        Assert.All(await written.WaitAsync(Bound), Assert.True);

        await Assert.ThrowsAsync<StorageUnavailableException>(
            () => _writer.EnqueueAsync<int>(_ => throw new SqliteException("constraint failed", 19), CancellationToken.None).WaitAsync(Bound));

        Assert.Equal([1, QueueLength], _commitOperations);
        Assert.Equal(2, _commitDurations.Count);
        Assert.All(_commitDurations, seconds => Assert.InRange(seconds, double.Epsilon, Bound.TotalSeconds));
    }

    [Fact]
    public async Task AFullQueueRefusesAWriteAtOnceAndNeverAppliesIt()
    {
        using var hold = new HeldWriter(_writer);
        var queued = Enumerable.Range(0, QueueLength).Select(i => _writer.EnqueueAsync(_ => i, CancellationToken.None)).ToList(); // Fills the queue.
        var refusedApplied = false;

        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => _writer.EnqueueAsync(_ => refusedApplied = true, CancellationToken.None).WaitAsync(Bound));

        Assert.Contains("write queue is full", refused.Message, StringComparison.Ordinal);
        hold.Release();
        Assert.Equal(Enumerable.Range(0, QueueLength), await Task.WhenAll(queued).WaitAsync(Bound));
        Assert.False(refusedApplied);
    }

    [Fact]
    public async Task AWriteOverTheQueuedByteBoundIsRefusedAtOnceAndNeverApplied()
    {
        using var hold = new HeldWriter(_writer);
        var first = _writer.EnqueueAsync(_ => 1, bytes: 600, CancellationToken.None);
        var refusedApplied = false;

        // One write waits, so the count bound (2) has room: only the bytes (600 + 600 > 1000) refuse it.
        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => _writer.EnqueueAsync(_ => refusedApplied = true, bytes: 600, CancellationToken.None).WaitAsync(Bound));

        Assert.Contains("write queue is full", refused.Message, StringComparison.Ordinal);
        var fits = _writer.EnqueueAsync(_ => 2, bytes: 400, CancellationToken.None); // 600 + 400 fits.
        hold.Release();
        var answers = await Task.WhenAll(first, fits).WaitAsync(Bound);
        Assert.Equal((1, 2), (answers[0], answers[1]));
        Assert.False(refusedApplied);
        // Bytes leave the bound when the writer takes them; one write larger than the bound still goes alone.
        Assert.True(await _writer.EnqueueAsync(_ => true, bytes: 5 * QueueBytes, CancellationToken.None).WaitAsync(Bound));
    }

    [Fact]
    public async Task ABlockedCommitShowsInHowLongTheOldestWriteHasWaited()
    {
        Assert.Equal(TimeSpan.Zero, _writer.PendingFor);
        Task<bool> queuedBehind;
        using (var hold = new HeldWriter(_writer)) // A commit that does not return, as on a hung disk.
        {
            queuedBehind = _writer.EnqueueAsync(_ => true, CancellationToken.None);
            var blocked = System.Diagnostics.Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromMilliseconds(300));

            var atLeast = blocked.Elapsed; // The batch started before this stopwatch did.
            Assert.InRange(_writer.PendingFor, atLeast, TimeSpan.MaxValue);
            hold.Release();
            Assert.True(await hold.Write.WaitAsync(Bound));
        }

        Assert.True(await queuedBehind.WaitAsync(Bound));
        Assert.Equal(TimeSpan.Zero, _writer.PendingFor); // Idle again: nothing waits.
    }

    [Fact]
    public async Task AWriteCancelledBeforeTheWriterTookItIsNeverApplied()
    {
        using var hold = new HeldWriter(_writer);
        using var caller = new CancellationTokenSource();
        var applied = false;
        var write = _writer.EnqueueAsync(_ => applied = true, caller.Token);

        await caller.CancelAsync(); // The request was aborted (or timed out) while the write waited.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(Bound));
        hold.Release();
        Assert.True(await _writer.EnqueueAsync(_ => true, CancellationToken.None).WaitAsync(Bound)); // The writer went past it.
        Assert.False(applied);
    }

    [Fact]
    public async Task ARefusingDiskFailsItsBatchAndTheWriterRecoversOnTheNextCommit()
    {
        var full = await Assert.ThrowsAsync<StorageUnavailableException>(
            () => _writer.EnqueueAsync<bool>(_ => throw new SqliteException("database or disk is full", 13), CancellationToken.None).WaitAsync(Bound));

        Assert.True(full.DiskFull);
        Assert.NotNull(_writer.Health.Refused);
        Assert.Null(_writer.Health.Stopped);
        Assert.True(await _writer.EnqueueAsync(_ => true, CancellationToken.None).WaitAsync(Bound));
        Assert.Same(WriterHealth.Healthy, _writer.Health);
    }

    [Fact]
    public async Task AnIoErrorStopsTheWriterAndNoLaterWriteIsAcknowledged()
    {
        Task<bool> queuedBehind;
        using (var hold = new HeldWriter(_writer, failWith: new SqliteException("disk I/O error", 10)))
        {
            queuedBehind = _writer.EnqueueAsync(_ => true, CancellationToken.None);
            hold.Release();
            await Assert.ThrowsAsync<StorageUnavailableException>(() => hold.Write.WaitAsync(Bound));
        }

        await Assert.ThrowsAsync<StorageUnavailableException>(() => queuedBehind.WaitAsync(Bound)); // Failed, not hung.
        var later = await Assert.ThrowsAsync<StorageUnavailableException>(() => _writer.EnqueueAsync(_ => true, CancellationToken.None).WaitAsync(Bound));
        Assert.Contains("restart", later.Message, StringComparison.Ordinal);
        Assert.NotNull(_writer.Health.Stopped);
    }

    [Fact]
    public async Task AfterAnIoErrorOnlyTheBatchInFlightMayHaveBeenApplied()
    {
        // The batch in flight may be in the WAL (recovery decides); a write still queued or sent later
        // never reached SQLite, and its answer says so, so a client knows it can send it again.
        Task<bool> queuedBehind;
        using (var hold = new HeldWriter(_writer, failWith: new SqliteException("disk I/O error", 10)))
        {
            queuedBehind = _writer.EnqueueAsync(_ => true, CancellationToken.None);
            hold.Release();
            var inFlight = await Assert.ThrowsAsync<StorageUnavailableException>(() => hold.Write.WaitAsync(Bound));
            Assert.DoesNotContain("not applied", inFlight.Message, StringComparison.Ordinal);
            Assert.Contains("recovery decides", inFlight.Message, StringComparison.Ordinal);
        }

        var queued = await Assert.ThrowsAsync<StorageUnavailableException>(() => queuedBehind.WaitAsync(Bound));
        var later = await Assert.ThrowsAsync<StorageUnavailableException>(() => _writer.EnqueueAsync(_ => true, CancellationToken.None).WaitAsync(Bound));
        Assert.Contains("the write was not applied", queued.Message, StringComparison.Ordinal);
        Assert.Contains("the write was not applied", later.Message, StringComparison.Ordinal);
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

    /// <summary>A write that holds the writer thread inside its batch until released (then succeeds, or throws <c>failWith</c>).</summary>
    private sealed class HeldWriter : IDisposable
    {
        private readonly ManualResetEventSlim _release = new();

        public HeldWriter(GroupCommitWriter writer, Exception? failWith = null)
        {
            using var taken = new ManualResetEventSlim();
            Write = writer.EnqueueAsync(_ =>
            {
                taken.Set();
                _release.Wait(Bound);
                return failWith is null ? true : throw failWith;
            }, CancellationToken.None);
            Assert.True(taken.Wait(Bound), "The writer did not take the first write.");
        }

        public Task<bool> Write { get; }

        public void Release() => _release.Set();

        public void Dispose()
        {
            _release.Set();
            _release.Dispose();
        }
    }
}
