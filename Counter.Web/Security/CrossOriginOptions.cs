namespace Counter.Web.Security;

/// <summary>Which other origins may send unsafe requests (form posts). Bound from the "CrossOrigin" section.</summary>
public sealed class CrossOriginOptions
{
    public const string SectionName = "CrossOrigin";

    /// <summary>
    /// Origins (<c>scheme://host[:port]</c>, no path) whose pages may post to this app, for example a
    /// separate front end. Empty by default: only the app's own pages may.
    /// </summary>
    public string[] TrustedOrigins { get; set; } = [];
}
