namespace Counter.Web.Sessions;

/// <summary>
/// The session cookie, read and written only here, with the flags both modes use: HttpOnly,
/// SameSite=Lax, Path=/, no life past the absolute lifetime. Over HTTPS (directly, or behind a proxy
/// whose forwarded headers are trusted) it is <c>__Host-session; Secure</c>: a browser then refuses it
/// from plain HTTP and from any other host or path, so a network attacker cannot plant one.
/// </summary>
internal static class SessionCookie
{
    private const string HostPrefix = "__Host-";

    /// <summary>
    /// The cookie's value as sent, or null when there is none. Over HTTPS only the prefixed cookie
    /// counts: an unprefixed one may have been set over plain HTTP by someone else.
    /// </summary>
    public static string? Read(HttpContext context, SessionOptions options) =>
        context.Request.Cookies[Name(context.Request, options)] is { Length: > 0 } value ? value : null;

    public static void Write(HttpContext context, SessionOptions options, string value, TimeSpan maxAge) =>
        context.Response.Cookies.Append(Name(context.Request, options), value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            Secure = context.Request.IsHttps,
            IsEssential = true,
            MaxAge = maxAge,
        });

    public static void Delete(HttpContext context, SessionOptions options) =>
        context.Response.Cookies.Delete(Name(context.Request, options), new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
        });

    /// <summary>The name on this request: <c>__Host-</c> prefixed over HTTPS (which requires Secure, Path=/ and no Domain).</summary>
    public static string Name(HttpRequest request, SessionOptions options) =>
        request.IsHttps ? HostPrefix + options.CookieName : options.CookieName;
}
