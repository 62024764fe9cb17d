namespace Counter.ServiceDefaults.Timing;

/// <summary>
/// Whether a service answers with a W3C <c>Server-Timing</c> header: how long each stage of the request
/// took (see <see cref="ServerTimings"/>). Off by default, because the durations tell a client how the
/// server works inside (how long a store call or a commit took); turn it on to find where slow requests
/// wait (bench/tail.sh does) or to read the stages in a browser's developer tools.
/// </summary>
public sealed class ServerTimingOptions
{
    public const string SectionName = "ServerTiming";

    public bool Enabled { get; set; }
}
