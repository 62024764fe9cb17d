namespace Counter.Web.Sessions;

/// <summary>
/// The session cookie, read and written only here, with the flags both modes use: HttpOnly,
/// SameSite=Lax, Path=/, Secure on HTTPS, no life past the absolute lifetime.
/// </summary>
internal static class SessionCookie
{
    /// <summary>The cookie's value as sent, or null when there is none.</summary>
    public static string? Read(HttpContext context, SessionOptions options) =>
        context.Request.Cookies[options.CookieName] is { Length: > 0 } value ? value : null;

    public static void Write(HttpContext context, SessionOptions options, string value, TimeSpan maxAge) =>
        context.Response.Cookies.Append(options.CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            Secure = context.Request.IsHttps,
            IsEssential = true,
            MaxAge = maxAge,
        });

    public static void Delete(HttpContext context, SessionOptions options) =>
        context.Response.Cookies.Delete(options.CookieName, new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
        });
}
