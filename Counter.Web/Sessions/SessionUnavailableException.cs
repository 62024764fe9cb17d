namespace Counter.Web.Sessions;

/// <summary>
/// The session could not be loaded or saved now: the store did not answer, the request's
/// <see cref="SessionOptions.RequestDeadline"/> passed, or the session kept changing under this
/// request (<see cref="SessionOptions.MaxConflictRetries"/>). The page
/// answers 503; nothing was acknowledged.
/// </summary>
public sealed class SessionUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
