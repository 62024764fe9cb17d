using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Counter.Web.RateLimits;

/// <summary>
/// Counts the sessions each client starts, at the one place a session store issues a new one, so
/// only real creations count (a request with a live session costs nothing here, and a made-up
/// cookie counts like none).
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
    public void Admit(HttpContext context)
    {
        using var lease = _limiter.AttemptAcquire(ClientPartition.Of(context));
        if (!lease.IsAcquired)
        {
            throw new TooManyRequestsException(
                $"This client started {_options.NewSessionsPerWindow} sessions in {_options.Window}; keep the session cookie.",
                RateLimitSetup.RetryAfter(lease, _options));
        }
    }

    public void Dispose() => _limiter.Dispose();
}
