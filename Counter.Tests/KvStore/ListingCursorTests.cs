using Counter.KvStore.Api;

namespace Counter.Tests.KvStore;

/// <summary>The listing cursor: any key round-trips, and nothing the store did not issue is taken.</summary>
[Trait("Category", "Unit")]
public sealed class ListingCursorTests
{
    [Theory]
    [InlineData("session:abc")]
    [InlineData("a")]
    [InlineData("dataprotection:sealed:key-0f1e~.")]
    public void AKeyRoundTripsAsAnOpaqueUrlSafeCursor(string key)
    {
        var cursor = ListingCursor.Encode(key);

        Assert.Matches("^[A-Za-z0-9_-]+$", cursor);
        Assert.DoesNotContain(key, cursor, StringComparison.Ordinal);
        Assert.True(ListingCursor.TryDecode(cursor, out var decoded));
        Assert.Equal(key, decoded);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("a")]
    [InlineData("%%%")]
    public void ACursorThisStoreDidNotIssueIsRefused(string cursor)
    {
        Assert.False(ListingCursor.TryDecode(cursor, out var key));
        Assert.Null(key);
    }

    [Fact]
    public void AnOverlongCursorIsRefusedBeforeDecoding()
    {
        Assert.False(ListingCursor.TryDecode(ListingCursor.Encode(new string('k', 2000)), out _));
    }
}
