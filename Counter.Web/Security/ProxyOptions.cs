namespace Counter.Web.Security;

/// <summary>The TLS-terminating proxies whose forwarded headers web believes. Bound from the "Proxy" section.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>
    /// Addresses or CIDR networks (<c>10.0.0.0/8</c>, <c>192.0.2.7</c>) of the proxies in front of web.
    /// A request from one of them is taken as its X-Forwarded-For client and X-Forwarded-Proto scheme,
    /// so the session cookie is <c>__Host-session; Secure</c> behind an HTTPS proxy and rate limits
    /// count real clients. Empty by default: forwarded headers are ignored, whoever sends them.
    /// </summary>
    public string[] TrustedNetworks { get; set; } = [];
}
