using Counter.Tests.Infrastructure;
using System.Diagnostics.Metrics;
using Counter.Web.RateLimits;
using Counter.Web.Sessions;

namespace Counter.Tests.Sessions;

/// <summary>
/// The session cookie is read by its exact name. Of two cookies of that name (one planted by a
/// sibling subdomain or a plain-HTTP answer: cookie tossing), the one naming a live session is kept,
/// in either order; when both are live neither is trusted and the request gets a fresh session,
/// charged to its own budget so tossing cannot lock the address out; a metric counts such requests.
/// Over HTTPS only <c>__Host-session</c> counts, never <c>__HOST-session</c> or an unprefixed one.
/// Both modes.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SessionCookieTests
{
    private const string Count = "count";

    [Theory]
    [InlineData("ServerSide", false)]
    [InlineData("ServerSide", true)]
    [InlineData("Cookie", false)]
    [InlineData("Cookie", true)]
    public async Task TwoCookiesOfTheNameAreNeitherTrustedInEitherOrder(string mode, bool https)
    {
        await using var web = new WebReplica(mode: mode);
        var name = https ? "__Host-session" : "session";
        var victim = await CountToAsync(web, 5, https);
        var attacker = await CountToAsync(web, 1, https);
        using var duplicates = new DuplicateCookieCounter();

        foreach (var header in new[] { $"{name}={victim}; {name}={attacker}", $"{name}={attacker}; {name}={victim}", $"{name}={attacker};{name}={victim}" })
        {
            var (count, issued) = await LoadAsync(web, header, https);
            Assert.Equal(1, count); // A fresh session: neither the victim's (6) nor the attacker's (2).
            Assert.NotNull(issued);
            Assert.NotEqual(victim, issued);
            Assert.NotEqual(attacker, issued);
        }
        Assert.Equal(3, duplicates.Value);
        Assert.Equal(6, (await LoadAsync(web, $"{name}={victim}", https)).Count); // Alone, the victim's cookie still counts.
    }

    [Theory]
    [InlineData("ServerSide", false)]
    [InlineData("ServerSide", true)]
    [InlineData("Cookie", false)]
    [InlineData("Cookie", true)]
    public async Task ALiveSessionBesideAPlantedCookieIsKeptInEitherOrder(string mode, bool https)
    {
        await using var web = new WebReplica(mode: mode);
        var name = https ? "__Host-session" : "session";
        var victim = await CountToAsync(web, 5, https);
        var planted = SessionIdentifiers.NewIdentifier(); // Well formed, but no session: the planter cannot know ours.

        foreach (var (plantedFirst, expected) in new[] { (false, 6), (true, 7) })
        {
            var header = plantedFirst ? $"{name}={planted}; {name}={victim}" : $"{name}={victim}; {name}={planted}";
            var (count, issued) = await LoadAsync(web, header, https);
            Assert.Equal(expected, count);
            Assert.NotEqual(planted, issued);
            victim = issued ?? victim; // Cookie mode re-seals on every save.
        }
    }

    [Theory]
    [InlineData("ServerSide")]
    [InlineData("Cookie")]
    public async Task FreshSessionsThatDuplicateCookiesForceSpendTheirOwnBudgetNotTheClients(string mode)
    {
        await using var web = new WebReplica(mode: mode, settings: new Dictionary<string, string?> { ["RateLimit:NewSessionsPerWindow"] = "3" });
        var victim = await CountToAsync(web, 1, https: false);
        var attacker = await CountToAsync(web, 1, https: false); // Two of the client's three new sessions.
        var tossed = $"session={victim}; session={attacker}";

        for (var load = 0; load < 3; load++)
        {
            Assert.Equal(1, (await LoadAsync(web, tossed, https: false)).Count);
        }
        await Assert.ThrowsAsync<TooManyRequestsException>(() => LoadAsync(web, tossed, https: false));

        // The client's own budget is untouched by the tossed requests: its third session starts.
        Assert.Equal(1, (await LoadAsync(web, cookieHeader: null, https: false)).Count);
        await Assert.ThrowsAsync<TooManyRequestsException>(() => LoadAsync(web, cookieHeader: null, https: false));
    }

    [Theory]
    [InlineData("ServerSide", "__HOST-session", true)]
    [InlineData("ServerSide", "session", true)]
    [InlineData("ServerSide", "SESSION", false)]
    [InlineData("ServerSide", "Session", false)]
    [InlineData("Cookie", "__HOST-session", true)]
    [InlineData("Cookie", "session", true)]
    [InlineData("Cookie", "SESSION", false)]
    public async Task OnlyTheExactNameCounts(string mode, string otherName, bool https)
    {
        await using var web = new WebReplica(mode: mode);
        var session = await CountToAsync(web, 3, https);

        var (count, issued) = await LoadAsync(web, $"{otherName}={session}", https);

        Assert.Equal(1, count);
        Assert.NotEqual(session, issued);
    }

    /// <summary>A new session loaded <paramref name="loads"/> times; its current cookie value.</summary>
    private static async Task<string> CountToAsync(WebReplica web, int loads, bool https)
    {
        var name = https ? "__Host-session" : "session";
        string? cookie = null;
        for (var i = 0; i < loads; i++)
        {
            var (count, issued) = await LoadAsync(web, cookie is null ? null : $"{name}={cookie}", https);
            Assert.Equal(i + 1, count);
            cookie = issued ?? cookie; // Cookie mode re-issues on every save; server-side only on creation.
        }
        return cookie!;
    }

    private static async Task<(int Count, string? Issued)> LoadAsync(WebReplica web, string? cookieHeader, bool https)
    {
        var context = WebReplica.RequestWithCookies(cookieHeader, https);
        var data = await web.Sessions.UpdateAsync(context, d => d.SetInt32(Count, d.GetInt32(Count) + 1), CancellationToken.None);
        return (data.GetInt32(Count), WebReplica.IssuedId(context));
    }

    /// <summary>Counts the duplicate-cookie metric while it lives.</summary>
    private sealed class DuplicateCookieCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _value;

        public DuplicateCookieCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == SessionTelemetry.SourceName && instrument.Name == SessionTelemetry.Instruments.DuplicateCookies)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _value, value));
            _listener.Start();
        }

        public long Value => Interlocked.Read(ref _value);

        public void Dispose() => _listener.Dispose();
    }
}
