using System.Net;
using System.Net.Sockets;

namespace Counter.Web.RateLimits;

/// <summary>
/// Who counts as one client: the peer's IPv4 address, or its IPv6 /64 (one end site usually holds a
/// whole /64, so counting single IPv6 addresses would let one client rotate through billions). Behind
/// a trusted proxy the peer is the forwarded client (Proxy:TrustedNetworks).
/// </summary>
public static class ClientPartition
{
    public static string Of(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPNetwork(address, 64).BaseAddress + "/64"
            : address.ToString();
    }
}
