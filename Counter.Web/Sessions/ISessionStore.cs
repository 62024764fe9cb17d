namespace Counter.Web.Sessions;

/// <summary>
/// The one session API handlers use, whichever mode is configured.
/// A handler states its change as a function; the store loads, applies and saves it so that no
/// concurrent change is lost (server-side mode re-applies it after a conflicting write).
/// </summary>
public interface ISessionStore
{
    /// <summary>
    /// Loads the caller's session (a new one when it has none, or an expired or unknown one),
    /// applies <paramref name="change"/>, saves the result and returns it. The change may run more
    /// than once, each time on fresh data, so it must have no other side effects.
    /// </summary>
    /// <exception cref="SessionUnavailableException">The session cannot be loaded or saved now (the page answers 503).</exception>
    Task<SessionData> UpdateAsync(HttpContext context, Action<SessionData> change, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the caller's session without changing it: never creates one, never rewrites it, only
    /// extends its idle expiry. Empty data when the caller has no live session.
    /// </summary>
    Task<SessionData> ReadAsync(HttpContext context, CancellationToken cancellationToken);

    /// <summary>Destroys the caller's session and clears its cookie; the next request starts a new one.</summary>
    Task DestroyAsync(HttpContext context, CancellationToken cancellationToken);
}
