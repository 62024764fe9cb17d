namespace Counter.Web.Sessions;

/// <summary>
/// The session cookie's distinct values on one request (<see cref="SessionCookie.Read"/>), and whether
/// it came more than once: then one was planted beside ours, and a fresh session the request ends up
/// needing is charged to the planted-cookie budget, not the client's own (see NewSessionLimiter).
/// </summary>
public readonly record struct SessionCookieValues(IReadOnlyList<string> Values, bool Duplicated);
