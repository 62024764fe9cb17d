namespace Counter.Web.Security;

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
