namespace Counter.Web.Sessions;

/// <summary>The cookie flags both modes use: HttpOnly, SameSite=Lax, Path=/, Secure on HTTPS, no life past the absolute lifetime.</summary>
internal static class SessionCookie
{
    public static CookieOptions Options(HttpContext context, TimeSpan maxAge) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Secure = context.Request.IsHttps,
        IsEssential = true,
        MaxAge = maxAge,
    };

    public static void Delete(HttpContext context, SessionOptions options) =>
        context.Response.Cookies.Delete(options.CookieName, new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
        });
}
