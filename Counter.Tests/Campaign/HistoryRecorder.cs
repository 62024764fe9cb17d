using System.Diagnostics;

namespace Counter.Tests.Campaign;

/// <summary>
/// Collects a run's history from many concurrent clients and the nemesis, with every time taken from
/// one monotonic clock (<see cref="Stopwatch"/>), so real-time order between operations is exact.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private readonly List<HistoryEvent> _events = [];
    private long _nextId;

    /// <summary>Microseconds since the recorder was created.</summary>
    public long Now => (long)Stopwatch.GetElapsedTime(_origin).TotalMicroseconds;

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Record(HistoryEvent entry)
    {
        lock (_lock)
        {
            _events.Add(entry);
        }
    }

    /// <summary>Everything recorded so far.</summary>
    public IReadOnlyList<HistoryEvent> Snapshot()
    {
        lock (_lock)
        {
            return [.. _events];
        }
    }
}
