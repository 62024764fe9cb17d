using Counter.Tests.Infrastructure;
using Counter.Web.Sessions;

namespace Counter.Tests.Sessions;

/// <summary>
/// Cookie mode keeps its Data Protection key ring in the store. A replica that starts while the store
/// is down cannot open a valid cookie: that is "store unavailable" (503, no new session charged),
/// not a forged cookie to replace with a fresh session; once the store answers, the cookie counts on.
/// </summary>
[Trait("Category", "Unit")]
public sealed class CookieSessionKeyRingTests
{
    private const string Count = "count";

    [Fact]
    public async Task AValidCookieWithTheStoreDownIsUnavailableNotForgedAndCountsOnAfterwards()
    {
        await using var store = new InProcessKvStore();
        string cookie;
        await using (var before = new WebReplica(store, "Cookie"))
        {
            var first = WebReplica.Request(null);
            await before.Sessions.UpdateAsync(first, Increment, CancellationToken.None);
            cookie = WebReplica.IssuedId(first)!;
        }

        store.Down = true;
        await using var started = new WebReplica(store, "Cookie"); // Starts while the store is down: no key ring yet.
        var during = WebReplica.Request(cookie);
        await Assert.ThrowsAsync<SessionUnavailableException>(() => started.Sessions.UpdateAsync(during, Increment, CancellationToken.None));
        Assert.Null(WebReplica.IssuedId(during)); // No fresh session in place of the real one.

        store.Down = false;
        var after = WebReplica.Request(cookie);
        Assert.Equal(2, (await started.Sessions.UpdateAsync(after, Increment, CancellationToken.None)).GetInt32(Count));
    }

    private static void Increment(SessionData data) => data.SetInt32(Count, data.GetInt32(Count) + 1);
}
