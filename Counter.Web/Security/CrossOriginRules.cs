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
}

/// <summary>
/// Cross-site request forgery protection by Fetch Metadata, without tokens: the algorithm of Go 1.25's
/// <c>net/http.CrossOriginProtection</c>. Every browser since 2020 sends <c>Sec-Fetch-Site</c> on
/// every request and a page cannot forge it; older ones send <c>Origin</c> on every POST.
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

    public CrossOriginVerdict Check(string method, string? fetchSite, string? origin, string host)
    {
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
        {
            return CrossOriginVerdict.SafeMethod;
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

    private bool IsTrusted(string? origin) => _trusted.Count > 0 && Normalize(origin) is { } normalized && _trusted.Contains(normalized);

    /// <summary>scheme://host[:port] in canonical form (lower case, no default port), or null when it is not an origin.</summary>
    private static string? Normalize(string? origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0
            ? $"{uri.Scheme}://{uri.Authority}"
            : null;
}
