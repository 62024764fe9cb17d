using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Counter.Web.RateLimits;

/// <summary>
/// Counts the sessions each client starts, at the one place a session store issues a new one, so
/// only real creations count (a request with a live session costs nothing here, and a made-up
/// cookie counts like none). A request that carried the session cookie twice (one planted by a
/// sibling subdomain or a plain-HTTP answer: cookie tossing) is charged to a second budget of the
/// same size, so a planted cookie that forces fresh sessions spends that budget alone and never locks
/// the client's address (a NAT, an office) out of starting sessions. A client that sends duplicates
/// on purpose gains one more budget, still bounded.
/// </summary>
public sealed class NewSessionLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly RateLimitOptions _options;

    public NewSessionLimiter(IOptions<RateLimitOptions> options)
    {
        _options = options.Value;
        _limiter = PartitionedRateLimiter.Create<string, string>(client =>
            RateLimitPartition.GetFixedWindowLimiter(client, _ => RateLimitSetup.Window(_options, _options.NewSessionsPerWindow)));
    }

    /// <summary>Counts one new session for the request's client, or throws when it has had its share.</summary>
    public void Admit(HttpContext context, bool plantedCookie = false)
    {
        var client = ClientPartition.Of(context);
        using var lease = _limiter.AttemptAcquire(plantedCookie ? "planted-cookie " + client : client);
        if (!lease.IsAcquired)
        {
            throw new TooManyRequestsException(plantedCookie
                ? $"This client started {_options.NewSessionsPerWindow} sessions in {_options.Window} for requests that carried the session cookie twice; clear this site's cookies."
                : $"This client started {_options.NewSessionsPerWindow} sessions in {_options.Window}; keep the session cookie.",
                RateLimitSetup.RetryAfter(lease, _options));
        }
    }

    public void Dispose() => _limiter.Dispose();
}
