using System.Net;
using IPNetwork = System.Net.IPNetwork;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Counter.Web.Security;

/// <summary>
/// What HTTPS needs beyond Kestrel: which proxies' forwarded headers to believe (so a request that
/// reached a proxy over HTTPS counts as HTTPS here), and HSTS in Production. Plain HTTP keeps working
/// (the run command and the tests use it); the session cookie follows the request's scheme, and in
/// Production plain HTTP with no trusted proxy is reported (<see cref="PlainHttpHealthCheck"/>).
/// </summary>
public static class TransportSecurity
{
    public static WebApplicationBuilder AddTransportSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName)
            .Validate(o => o.TrustedNetworks.All(n => TryParseNetwork(n, out _)),
                "Proxy:TrustedNetworks holds an entry that is neither an IP address nor a CIDR network (like 10.0.0.0/8).")
            .ValidateOnStart();
        builder.Services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, TrustConfiguredProxies>();
        builder.Services.AddHealthChecks().AddCheck<PlainHttpHealthCheck>("transport");
        return builder;
    }

    /// <summary>Call first, so everything after it sees the client's scheme and address.</summary>
    public static WebApplication UseTransportSecurity(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.TrustedNetworks.Length > 0)
        {
            app.UseForwardedHeaders();
        }
        PlainHttpHealthCheck.WarnAtStart(app);
        if (app.Environment.IsProduction())
        {
            // Sent on HTTPS answers only, never to localhost; max-age is the default 30 days, and
            // subdomains and preload are the deployment's call.
            app.UseHsts();
        }
        return app;
    }

    private static bool TryParseNetwork(string entry, out IPNetwork network)
    {
        if (IPAddress.TryParse(entry, out var address))
        {
            network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
            return true;
        }
        return IPNetwork.TryParse(entry, out network);
    }

    private sealed class TrustConfiguredProxies(IOptions<ProxyOptions> proxy) : IConfigureOptions<ForwardedHeadersOptions>
    {
        public void Configure(ForwardedHeadersOptions options)
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: not even loopback unless listed.
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var entry in proxy.Value.TrustedNetworks)
            {
                if (TryParseNetwork(entry, out var network)) // Validated at start-up.
                {
                    options.KnownIPNetworks.Add(network);
                }
            }
        }
    }
}
