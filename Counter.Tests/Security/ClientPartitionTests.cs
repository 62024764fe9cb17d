using Counter.Web.RateLimits;
using Microsoft.AspNetCore.Http;

namespace Counter.Tests.Security;

/// <summary>Who counts as one client for the rate limits: an IPv4 address, or an IPv6 /64.</summary>
[Trait("Category", "Unit")]
public sealed class ClientPartitionTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    public void APeerIsCountedByItsAddressOrItsSlash64(string peer, string partition)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);

        Assert.Equal(partition, ClientPartition.Of(context));
    }

    [Fact]
    public void NoPeerAddressIsOnePartition()
    {
        Assert.Equal("", ClientPartition.Of(new DefaultHttpContext()));
    }
}
