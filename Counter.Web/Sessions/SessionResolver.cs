using Counter.Web.RateLimits;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// Which session a request works on, decided outside the compare-and-set loop: the cookie's identifier
/// and its storage key, a fresh identifier (counted against the client's new-session limit) when the
/// store holds no live session for it, and the cookie of a session this request created.
///
/// No fixation: an identifier is adopted only if the store holds a live session for it; anything
/// else (unknown, expired, malformed, forged) gets a fresh identifier.
/// </summary>
public sealed class SessionResolver(
    SessionIdentifiers identifiers,
    ISessionRecords records,
    NewSessionLimiter newSessions,
    SessionTelemetry telemetry,
    IOptions<SessionOptions> options)
{
    private readonly SessionOptions _options = options.Value;

    /// <summary>
    /// The session the request's cookie names, if the cookie could be one of our identifiers (it is
    /// adopted only once the store shows it live), and whether the cookie came more than once. Of
    /// several values (one planted beside ours), the one that names a live session is kept, so cookie
    /// tossing neither resets the user's session nor forces a fresh one on every load; when more than
    /// one is live (the planter's own session beside the user's) none is trusted.
    /// </summary>
    public async Task<(SessionId? Session, bool Duplicated)> ResolveAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var cookie = SessionCookie.Read(context, _options, telemetry);
        var candidates = cookie.Values.Where(SessionIdentifiers.IsWellFormed)
            .Select(identifier => new SessionId(identifier, identifiers.StorageKeyOf(identifier), IsNew: false)).ToList();
        if (candidates.Count <= 1)
        {
            return (candidates.FirstOrDefault(), cookie.Duplicated);
        }
        SessionId? live = null;
        foreach (var candidate in candidates)
        {
            if ((await records.LoadAsync(candidate.StorageKey, useCache: true, cancellationToken)).Record is null)
            {
                continue;
            }
            if (live is not null)
            {
                return (null, true);
            }
            live = candidate;
        }
        return (live, true);
    }

    /// <summary>A fresh identifier, counted against the client's new-session limit (see NewSessionLimiter for a duplicated cookie).</summary>
    public SessionId Issue(HttpContext context, bool duplicatedCookie)
    {
        newSessions.Admit(context, plantedCookie: duplicatedCookie);
        var identifier = SessionIdentifiers.NewIdentifier();
        return new SessionId(identifier, identifiers.StorageKeyOf(identifier), IsNew: true);
    }

    /// <summary>Gives the browser the cookie of a session this request created, once it is saved.</summary>
    public void Established(HttpContext context, SessionId session)
    {
        if (session.IsNew)
        {
            SessionCookie.Write(context, _options, session.Value, _options.AbsoluteLifetime);
        }
    }

    public void Forget(HttpContext context) => SessionCookie.Delete(context, _options);
}
