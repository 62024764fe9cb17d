namespace Counter.Web.Sessions;

/// <summary>
/// The session has grown past what the store (or, in cookie mode, a browser cookie) keeps. Nothing
/// was saved; retrying cannot help, so the page answers 413 and says so instead of "try again".
/// </summary>
public sealed class SessionTooLargeException(string message, Exception? inner = null) : Exception(message, inner);
