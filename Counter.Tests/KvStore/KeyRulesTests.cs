using Counter.KvStore.Api;

namespace Counter.Tests.KvStore;

/// <summary>Which keys and prefixes the store accepts, and what it says about the others.</summary>
[Trait("Category", "Unit")]
public sealed class KeyRulesTests
{
    private static readonly ApiLimits Limits = new();

    [Theory]
    [InlineData("session:abc")]
    [InlineData("a")]
    [InlineData("A-Z_a.z:0~9")]
    [InlineData("dataprotection:sealed:key-1")]
    [InlineData("health.check")]
    public void AcceptedKeys(string key)
    {
        Assert.Null(KeyRules.Check(key, Limits));
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("a b", "'U+0020' at position 1")]
    [InlineData("tab\there", "'U+0009' at position 3")]
    [InlineData("slash/key", "'/' at position 5")]
    [InlineData("é", "'é' at position 0")]
    [InlineData(".hidden", "may not start with '.'")]
    [InlineData("..", "may not start with '.'")]
    [InlineData("health", "reserved")]
    [InlineData("v1", "reserved")]
    [InlineData("openapi", "reserved")]
    public void RefusedKeysSayWhy(string? key, string reason)
    {
        Assert.Contains(reason, KeyRules.Check(key, Limits), StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyOverTheLengthLimitIsRefusedWithBothFigures()
    {
        var key = new string('k', Limits.MaxKeyLength + 1);

        Assert.Equal($"The key is {key.Length} characters long; the limit is {Limits.MaxKeyLength}.", KeyRules.Check(key, Limits));
        Assert.Null(KeyRules.Check(key[..^1], Limits));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("session:", true)]
    [InlineData(".", true)]
    [InlineData("session key", false)]
    [InlineData("session/", false)]
    public void PrefixesFollowTheKeyAlphabetButMayBeEmpty(string? prefix, bool accepted)
    {
        Assert.Equal(accepted, KeyRules.CheckPrefix(prefix, Limits) is null);
    }
}
