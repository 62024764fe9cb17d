using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Counter.Tests.Campaign;

/// <summary>
/// Counts how many times each marked request went out on the wire. HttpClient, like a browser,
/// sends a request again by itself when a kept-alive connection breaks before any answer (a web
/// replica killed mid-request), and the first send may have been applied: one recorded load can be
/// two increments. Requests carry <see cref="Header"/>; every connection's stream is watched
/// (<see cref="SocketsHttpHandler.PlaintextStreamFilter"/>) for it.
/// </summary>
public sealed partial class SendCounter
{
    public const string Header = "X-Campaign-Op";

    private readonly ConcurrentDictionary<long, int> _sends = new();

    /// <summary>A handler whose connections report every marked request they write.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        PlaintextStreamFilter = (context, _) => ValueTask.FromResult<Stream>(new SendCountingStream(context.PlaintextStream, Saw)),
    };

    /// <summary>How many times the request marked <paramref name="id"/> was written, forgetting it.</summary>
    public int Take(long id) => _sends.TryRemove(id, out var sends) ? sends : 0;

    private void Saw(ReadOnlySpan<byte> written)
    {
        if (written.IndexOf(Marker) < 0)
        {
            return;
        }
        foreach (Match match in MarkerPattern().Matches(Encoding.Latin1.GetString(written)))
        {
            _sends.AddOrUpdate(long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), 1, (_, sends) => sends + 1);
        }
    }

    private static ReadOnlySpan<byte> Marker => "X-Campaign-Op: "u8;

    [GeneratedRegex(@"X-Campaign-Op: (\d+)\r\n")]
    private static partial Regex MarkerPattern();
}
