using System.Net.Sockets;

namespace Counter.Tests.Infrastructure;

/// <summary>Loopback ports for what a test starts itself (a store process, web, another site).</summary>
public static class LoopbackPort
{
    /// <summary>A port free now (the system picks it, then it is released for the caller to bind).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
