using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Counter.ServiceDefaults.Timing;

/// <summary>
/// The stages of one request and how long each took, written as its <c>Server-Timing</c> header
/// (<c>app;dur=4.210, session-load;dur=0.031, …</c>, milliseconds). <see cref="Current"/> is the
/// request's own when <see cref="ServerTimingOptions.Enabled"/> is on and null otherwise, so code that
/// records a stage costs one null check when it is off. A stage may be recorded from another thread
/// (the store's writer) before the request's await on it completes; a name may repeat (a retry).
/// </summary>
public sealed class ServerTimings
{
    /// <summary>The whole request, from the first middleware to the response's start.</summary>
    public const string Total = "app";

    private static readonly AsyncLocal<ServerTimings?> CurrentRequest = new();
    private readonly Lock _gate = new();
    private readonly List<(string Name, double Milliseconds)> _stages = new(8);

    public ServerTimings(long startedAt) => StartedAt = startedAt;

    /// <summary>The request being served on this async flow, when its service records timings.</summary>
    public static ServerTimings? Current
    {
        get => CurrentRequest.Value;
        set => CurrentRequest.Value = value;
    }

    /// <summary>When the request began (a <see cref="Stopwatch"/> timestamp).</summary>
    public long StartedAt { get; }

    public void Add(string name, TimeSpan elapsed)
    {
        lock (_gate)
        {
            _stages.Add((name, elapsed.TotalMilliseconds));
        }
    }

    /// <summary>A stage between two <see cref="Stopwatch"/> timestamps.</summary>
    public void Add(string name, long from, long to) => Add(name, Stopwatch.GetElapsedTime(from, to));

    /// <summary>
    /// Adds the stages another service reported in its <c>Server-Timing</c> header, each name under
    /// <paramref name="prefix"/> (the store's <c>commit</c> becomes web's <c>store-commit</c>).
    /// </summary>
    public void AddReported(string prefix, IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            foreach (var metric in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = metric.Split(';', StringSplitOptions.TrimEntries);
                var duration = parts.Skip(1).FirstOrDefault(p => p.StartsWith("dur=", StringComparison.Ordinal));
                if (parts[0].Length > 0 && duration is not null
                    && double.TryParse(duration.AsSpan(4), NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds))
                {
                    lock (_gate)
                    {
                        _stages.Add((prefix + parts[0], milliseconds));
                    }
                }
            }
        }
    }

    /// <summary>Every stage recorded into <paramref name="other"/> too (a batch's store call, shared by the requests in it).</summary>
    public void CopyTo(ServerTimings other)
    {
        lock (_gate)
        {
            lock (other._gate)
            {
                other._stages.AddRange(_stages);
            }
        }
    }

    /// <summary>The header's value, with the whole request's time so far first.</summary>
    public string ToHeaderValue()
    {
        var text = new StringBuilder();
        Append(text, Total, Stopwatch.GetElapsedTime(StartedAt).TotalMilliseconds);
        lock (_gate)
        {
            foreach (var (name, milliseconds) in _stages)
            {
                Append(text.Append(", "), name, milliseconds);
            }
        }
        return text.ToString();

        static void Append(StringBuilder text, string name, double milliseconds) =>
            text.Append(name).Append(";dur=").Append(milliseconds.ToString("0.###", CultureInfo.InvariantCulture));
    }
}
