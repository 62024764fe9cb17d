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
