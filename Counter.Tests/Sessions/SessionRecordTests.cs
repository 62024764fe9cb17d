using System.Text;
using Counter.Web.Sessions;

namespace Counter.Tests.Sessions;

/// <summary>The session record format (revision 1): what it writes, what it reads back, and what it never trusts.</summary>
[Trait("Category", "Unit")]
public sealed class SessionRecordTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeMilliseconds(1764446000000);
    private static readonly SessionOptions Options = new();

    [Fact]
    public void ItWritesTheDocumentedFormatAndReadsItBack()
    {
        var data = new SessionData();
        data.SetInt32("count", 3);
        var record = new SessionRecord(Created, Created.AddMinutes(5), data);

        var json = Encoding.UTF8.GetString(record.Serialize());
        var read = SessionRecord.TryParse(Encoding.UTF8.GetBytes(json));

        Assert.Equal("""{"v":1,"created":1764446000000,"seen":1764446300000,"data":{"count":3}}""", json);
        Assert.NotNull(read);
        Assert.Equal(record.Created, read.Created);
        Assert.Equal(record.Seen, read.Seen);
        Assert.Equal(3, read.Data.GetInt32("count"));
    }

    [Theory]
    [InlineData("""{"v":2,"created":1,"seen":1,"data":{}}""")]
    [InlineData("""{"created":1,"seen":1,"data":{}}""")]
    [InlineData("""{"v":1,"created":"yesterday","seen":1,"data":{}}""")]
    [InlineData("""{"v":"1","created":1,"seen":1,"data":{}}""")]
    [InlineData("""{"v":1,"created":1,"seen":null,"data":{}}""")]
    [InlineData("""{"v":1,"created":1,"seen":1,"data":[]}""")]
    [InlineData("""{"v":1,"created":1,"data":{}}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"v":1,"created":1,""")]
    [InlineData("""not json""")]
    [InlineData("""{"v":1,"created":99999999999999999,"seen":1,"data":{}}""")]
    public void AnythingElseIsNoSession(string json)
    {
        Assert.Null(SessionRecord.TryParse(Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void LifetimesFollowTheOptions()
    {
        var record = new SessionRecord(Created, Created, new SessionData());

        Assert.True(record.IsWithinLifetime(Created + Options.AbsoluteLifetime - TimeSpan.FromTicks(1), Options));
        Assert.False(record.IsWithinLifetime(Created + Options.AbsoluteLifetime, Options));
        Assert.False(record.IsIdleExpired(Created + Options.IdleTimeout - TimeSpan.FromTicks(1), Options));
        Assert.True(record.IsIdleExpired(Created + Options.IdleTimeout, Options));
        // The store's expiry is the idle timeout, cut short near the end of the absolute lifetime.
        Assert.Equal(Options.IdleTimeout, record.TimeToLive(Created, Options));
        Assert.Equal(TimeSpan.FromMinutes(1), record.TimeToLive(Created + Options.AbsoluteLifetime - TimeSpan.FromMinutes(1), Options));
    }
}
