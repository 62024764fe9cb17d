using Counter.Tests.Infrastructure;
namespace Counter.Tests.Sessions;

/// <summary>
/// Two web replicas on one store, without an app: a compare-and-set refused with no winner's value
/// (a bare 412) makes the losing replica read the session again and apply its change there; it never
/// takes the live session for gone and issues a new identifier (which would lose the session).
/// </summary>
[Trait("Category", "Unit")]
public sealed class ServerSessionConflictTests
{
    private const string Count = "count";

    [Fact]
    public async Task ARefusedSaveWithoutTheWinnersValueRereadsAndKeepsTheSession()
    {
        await using var store = new InProcessKvStore { WinnerOnConflict = false };
        await using var first = new WebReplica(store);
        await using var second = new WebReplica(store);

        var created = WebReplica.Request(null);
        await first.Sessions.UpdateAsync(created, Increment, CancellationToken.None);
        var id = WebReplica.IssuedId(created);
        Assert.NotNull(id);
        // The other replica counts: the first one's cached version is now stale.
        Assert.Equal(2, (await second.Sessions.UpdateAsync(WebReplica.Request(id), Increment, CancellationToken.None)).GetInt32(Count));

        var stale = WebReplica.Request(id);
        var data = await first.Sessions.UpdateAsync(stale, Increment, CancellationToken.None);

        Assert.Equal(3, data.GetInt32(Count));
        Assert.Null(WebReplica.IssuedId(stale)); // The same session: no new cookie.
        Assert.Single(await store.KeysAsync());
    }

    private static void Increment(Counter.Web.Sessions.SessionData data) => data.SetInt32(Count, data.GetInt32(Count) + 1);
}
