using Counter.KvStore.Api;
using Counter.KvStore.Storage;

namespace Counter.Tests.KvStore;

/// <summary>The store's write conditions (If-Match, If-None-Match), expiries and ETags.</summary>
[Trait("Category", "Unit")]
public sealed class RequestRulesTests
{
    [Theory]
    [InlineData("", "", null, false)]
    [InlineData("\"42\"", "", 42L, false)]
    [InlineData(" \"7\" ", "", 7L, false)]
    [InlineData("", "*", null, true)]
    [InlineData("", " * ", null, true)]
    public void ConditionsParse(string ifMatch, string ifNoneMatch, long? version, bool createOnly)
    {
        Assert.True(RequestRules.TryParseCondition(ifMatch, ifNoneMatch, out var condition, out var error), error);
        Assert.Equal(new WriteCondition(version, createOnly), condition);
    }

    [Theory]
    [InlineData("\"1\"", "*", "not both")]
    [InlineData("", "\"1\"", "only '*'")]
    [InlineData("W/\"1\"", "", "strong ETag")]
    [InlineData("\"abc\"", "", "strong ETag")]
    [InlineData("\"-1\"", "", "strong ETag")]
    [InlineData("42", "", "strong ETag")]
    [InlineData("\"1\", \"2\"", "", "strong ETag")]
    public void BadConditionsSayWhy(string ifMatch, string ifNoneMatch, string reason)
    {
        Assert.False(RequestRules.TryParseCondition(ifMatch, ifNoneMatch, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("1", 1)]
    [InlineData("1200", 1200)]
    [InlineData("31536000", 31536000)]
    public void TimesToLiveParse(string? ttl, int? seconds)
    {
        Assert.True(RequestRules.TryParseTimeToLive(ttl, out var timeToLive, out var error), error);
        Assert.Equal(seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), timeToLive);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("31536001")]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("99999999999")]
    public void BadTimesToLiveAreRefusedWithTheRange(string ttl)
    {
        Assert.False(RequestRules.TryParseTimeToLive(ttl, out _, out var error));
        Assert.Equal("ttl must be a whole number of seconds from 1 to 31536000.", error);
    }

    [Fact]
    public void AVersionIsAStrongETag()
    {
        Assert.Equal("\"42\"", RequestRules.ETag(42));
        Assert.True(RequestRules.TryParseCondition(RequestRules.ETag(42), "", out var condition, out _));
        Assert.Equal(42, condition.IfMatch);
    }
}
