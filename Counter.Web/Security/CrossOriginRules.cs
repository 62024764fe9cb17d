namespace Counter.Web.Security;

/// <summary>Why a request was let through or refused; the labels the log and the tests use.</summary>
public enum CrossOriginVerdict
{
    /// <summary>GET, HEAD or OPTIONS: they change nothing, so they are never checked.</summary>
    SafeMethod,
    /// <summary>The browser says it comes from this origin, or from the user (address bar, bookmark).</summary>
    SameOriginByFetchMetadata,
    /// <summary>No Sec-Fetch-Site (a browser before 2020), but Origin names this host.</summary>
    SameOriginByOrigin,
    /// <summary>Neither header: not a browser (curl, a script), which no other site can drive.</summary>
    NotABrowser,
    /// <summary>From another origin that configuration trusts.</summary>
    TrustedOrigin,
    /// <summary>A browser sent it from another origin: refused.</summary>
    CrossOrigin,
    /// <summary>
    /// A read that another site's page made without the user navigating to this one (an image, a
    /// script, a frame, a fetch): refused, so it can neither count nor start a session.
    /// </summary>
    CrossSiteEmbed,
    /// <summary>A read from another site that is a top-level navigation (the user followed a link): a visit.</summary>
    CrossSiteNavigation,
}

/// <summary>
/// Two Fetch Metadata policies, without tokens. Writes: cross-site request forgery protection, the
/// algorithm of Go 1.25's <c>net/http.CrossOriginProtection</c>. Reads: resource isolation (web.dev's
/// "resource isolation policy", stricter about frames): another site may link to the counter, but
/// not embed or fetch it, since every page load counts. Every browser since 2020 sends
/// <c>Sec-Fetch-Site</c>, <c>-Mode</c> and <c>-Dest</c> on every request and a page cannot forge
/// them; older ones send <c>Origin</c> on every POST.
/// </summary>
public sealed class CrossOriginRules
{
    private readonly HashSet<string> _trusted;

    public CrossOriginRules(IEnumerable<string> trustedOrigins)
    {
        _trusted = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var origin in trustedOrigins)
        {
            _trusted.Add(Normalize(origin) ?? throw new ArgumentException(
                $"'{origin}' in {CrossOriginOptions.SectionName}:TrustedOrigins is not an origin: write scheme://host[:port], without a path."));
        }
    }

    public CrossOriginVerdict Check(string method, string? fetchSite, string? fetchMode, string? fetchDest, string? origin, string host)
    {
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            if (fetchSite != "cross-site")
            {
                return CrossOriginVerdict.SafeMethod;
            }
            // Only a top-level navigation is a visit; a frame navigates too, but inside another site's page.
            return fetchMode == "navigate" && fetchDest == "document" && !HttpMethods.IsOptions(method)
                ? CrossOriginVerdict.CrossSiteNavigation
                : CrossOriginVerdict.CrossSiteEmbed;
        }
        if (!string.IsNullOrEmpty(fetchSite))
        {
            if (fetchSite is "same-origin" or "none")
            {
                return CrossOriginVerdict.SameOriginByFetchMetadata;
            }
            // cross-site, same-site (a sibling subdomain or another port) and anything unknown.
            return IsTrusted(origin) ? CrossOriginVerdict.TrustedOrigin : CrossOriginVerdict.CrossOrigin;
        }
        if (string.IsNullOrEmpty(origin))
        {
            return CrossOriginVerdict.NotABrowser;
        }
        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase))
        {
            return CrossOriginVerdict.SameOriginByOrigin;
        }
        return IsTrusted(origin) ? CrossOriginVerdict.TrustedOrigin : CrossOriginVerdict.CrossOrigin;
    }

    /// <summary>The verdicts that refuse the request (403 before anything else runs).</summary>
    public static bool Refuses(CrossOriginVerdict verdict) => verdict is CrossOriginVerdict.CrossOrigin or CrossOriginVerdict.CrossSiteEmbed;

    private bool IsTrusted(string? origin) => _trusted.Count > 0 && Normalize(origin) is { } normalized && _trusted.Contains(normalized);

    /// <summary>scheme://host[:port] in canonical form (lower case, no default port), or null when it is not an origin.</summary>
    private static string? Normalize(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? $"{uri.Scheme}://{uri.Authority}"
            : null;
}
