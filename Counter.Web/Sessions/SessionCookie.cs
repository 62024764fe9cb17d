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

    /// <summary>At most this many values of the cookie are considered; a request with more trusts none.</summary>
    public const int MaxValues = 4;

    /// <summary>
    /// The cookie's values as sent: none, one, or (when another site or a plain-HTTP answer planted one
    /// beside ours: cookie tossing) several. The name is matched exactly (ASP.NET Core's cookie
    /// collection matches names ignoring case and keeps the last of duplicates: a planted
    /// <c>__HOST-session</c> or a second <c>session</c> would win). A browser's order says nothing
    /// about which is ours, so the session stores keep the one value that names a live session and
    /// trust none when several do; <see cref="SessionTelemetry.DuplicateCookie"/> counts such requests.
    /// Over HTTPS only the prefixed cookie counts: an unprefixed one may have been set over plain HTTP
    /// by someone else. More than <see cref="MaxValues"/> values are all dropped, so a request cannot
    /// make the store look up many.
    /// </summary>
    public static SessionCookieValues Read(HttpContext context, SessionOptions options, SessionTelemetry telemetry)
    {
        var name = Name(context.Request, options);
        List<string>? found = null;
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
                    var value = pair[(equals + 1)..].TrimStart().ToString();
                    if (value.Length > 0 && count <= MaxValues && !(found ??= []).Contains(value))
                    {
                        found.Add(value);
                    }
                }
            }
        }
        if (count > 1)
        {
            telemetry.DuplicateCookie();
        }
        return new SessionCookieValues(count > MaxValues || found is null ? [] : found, Duplicated: count > 1);
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
