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
    /// The cookie's value as sent, or null when there is none or it cannot be trusted. The name is
    /// matched exactly (ASP.NET Core's cookie collection matches names ignoring case and keeps the
    /// last of duplicates: a planted <c>__HOST-session</c> or a second <c>session</c> would win). Two
    /// or more cookies of the name mean another site or a plain-HTTP answer planted one beside ours,
    /// and a browser sends the newer last: none is trusted (the request gets a fresh session) and
    /// <see cref="SessionTelemetry.DuplicateCookie"/> counts it. Over HTTPS only the prefixed cookie
    /// counts: an unprefixed one may have been set over plain HTTP by someone else.
    /// </summary>
    public static string? Read(HttpContext context, SessionOptions options, SessionTelemetry telemetry)
    {
        var name = Name(context.Request, options);
        string? found = null;
        var count = 0;
        foreach (var header in context.Request.Headers.Cookie)
        {
            var rest = (header ?? "").AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf(';');
                var pair = (end < 0 ? rest : rest[..end]).Trim();
                rest = end < 0 ? default : rest[(end + 1)..];
                var equals = pair.IndexOf('=');
                if (equals > 0 && pair[..equals].TrimEnd().SequenceEqual(name))
                {
                    count++;
                    found = pair[(equals + 1)..].TrimStart().ToString();
                }
            }
        }
        if (count > 1)
        {
            telemetry.DuplicateCookie();
            return null;
        }
        return found is { Length: > 0 } ? found : null;
    }

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
