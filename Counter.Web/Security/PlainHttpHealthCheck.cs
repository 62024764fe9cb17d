using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Counter.Web.Security;

/// <summary>
/// Says when HTTPS is not what it seems: web in Production serving plain HTTP while trusting no proxy
/// (<see cref="ProxyOptions.TrustedNetworks"/>) cannot tell a TLS proxy's requests from plain ones, so
/// its session cookie goes out without <c>Secure</c> or <c>__Host-</c>. Nothing is refused (a
/// deployment may mean it), but /health reports Degraded and start-up logs a warning naming the
/// setting, so the dashboard and any orchestrator show it.
/// </summary>
internal sealed partial class PlainHttpHealthCheck(IServer server, IOptions<ProxyOptions> proxy, IHostEnvironment environment) : IHealthCheck
{
    public const string Problem =
        "Web serves plain HTTP in Production and trusts no proxy: session cookies go out without Secure or the __Host- prefix. " +
        "Serve HTTPS, or list the TLS-terminating proxy in Proxy:TrustedNetworks.";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsMisconfigured() ? HealthCheckResult.Degraded(Problem) : HealthCheckResult.Healthy());

    /// <summary>Logs the warning once the server listens (its addresses are known only then).</summary>
    public static void WarnAtStart(WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var check = ActivatorUtilities.CreateInstance<PlainHttpHealthCheck>(app.Services);
            if (check.IsMisconfigured())
            {
                LogPlainHttp(app.Services.GetRequiredService<ILogger<PlainHttpHealthCheck>>(), Problem);
            }
        });
    }

    private bool IsMisconfigured() =>
        environment.IsProduction()
        && proxy.Value.TrustedNetworks.Length == 0
        && (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Any(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase));

    [LoggerMessage(410, LogLevel.Warning, "{Problem}")]
    private static partial void LogPlainHttp(ILogger logger, string problem);
}
