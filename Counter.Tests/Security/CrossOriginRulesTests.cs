using Counter.Web.Security;

namespace Counter.Tests.Security;

/// <summary>The cross-origin rules as a table: every verdict from the headers a browser (or not a browser) sends.</summary>
[Trait("Category", "Unit")]
public sealed class CrossOriginRulesTests
{
    private const string Host = "counter.test";
    private static readonly CrossOriginRules Rules = new(["https://trusted.example"]);

    [Theory]
    // Reads: never checked, except another site's embed or fetch (resource isolation).
    [InlineData("GET", null, null, null, null, CrossOriginVerdict.SafeMethod)]
    [InlineData("GET", "same-origin", "navigate", "document", null, CrossOriginVerdict.SafeMethod)]
    [InlineData("GET", "same-site", "no-cors", "image", null, CrossOriginVerdict.SafeMethod)]
    [InlineData("GET", "cross-site", "navigate", "document", null, CrossOriginVerdict.CrossSiteNavigation)]
    [InlineData("GET", "cross-site", "navigate", "iframe", null, CrossOriginVerdict.CrossSiteEmbed)]
    [InlineData("GET", "cross-site", "no-cors", "image", null, CrossOriginVerdict.CrossSiteEmbed)]
    [InlineData("GET", "cross-site", "no-cors", "script", null, CrossOriginVerdict.CrossSiteEmbed)]
    [InlineData("GET", "cross-site", "cors", "empty", null, CrossOriginVerdict.CrossSiteEmbed)]
    [InlineData("HEAD", "cross-site", "navigate", "document", null, CrossOriginVerdict.CrossSiteNavigation)]
    [InlineData("OPTIONS", "cross-site", "navigate", "document", null, CrossOriginVerdict.CrossSiteEmbed)]
    // Writes: Fetch Metadata first, then Origin, else not a browser.
    [InlineData("POST", "same-origin", null, null, null, CrossOriginVerdict.SameOriginByFetchMetadata)]
    [InlineData("POST", "none", null, null, null, CrossOriginVerdict.SameOriginByFetchMetadata)]
    [InlineData("POST", "cross-site", null, null, "https://evil.example", CrossOriginVerdict.CrossOrigin)]
    [InlineData("POST", "same-site", null, null, "https://sub.counter.test", CrossOriginVerdict.CrossOrigin)]
    [InlineData("POST", "something-new", null, null, null, CrossOriginVerdict.CrossOrigin)]
    [InlineData("POST", "cross-site", null, null, "https://trusted.example", CrossOriginVerdict.TrustedOrigin)]
    [InlineData("POST", "cross-site", null, null, "HTTPS://TRUSTED.EXAMPLE", CrossOriginVerdict.TrustedOrigin)]
    [InlineData("POST", null, null, null, "https://counter.test", CrossOriginVerdict.SameOriginByOrigin)]
    [InlineData("POST", null, null, null, "http://counter.test", CrossOriginVerdict.SameOriginByOrigin)]
    [InlineData("POST", null, null, null, "https://counter.test:8443", CrossOriginVerdict.CrossOrigin)]
    [InlineData("POST", null, null, null, "null", CrossOriginVerdict.CrossOrigin)]
    [InlineData("POST", null, null, null, "https://trusted.example", CrossOriginVerdict.TrustedOrigin)]
    [InlineData("POST", null, null, null, null, CrossOriginVerdict.NotABrowser)]
    [InlineData("DELETE", "cross-site", null, null, "https://evil.example", CrossOriginVerdict.CrossOrigin)]
    public void EachRequestGetsItsVerdict(string method, string? site, string? mode, string? dest, string? origin, CrossOriginVerdict expected)
    {
        Assert.Equal(expected, Rules.Check(method, site, mode, dest, origin, Host));
    }

    [Theory]
    [InlineData(CrossOriginVerdict.CrossOrigin, true)]
    [InlineData(CrossOriginVerdict.CrossSiteEmbed, true)]
    [InlineData(CrossOriginVerdict.CrossSiteNavigation, false)]
    [InlineData(CrossOriginVerdict.TrustedOrigin, false)]
    [InlineData(CrossOriginVerdict.NotABrowser, false)]
    [InlineData(CrossOriginVerdict.SafeMethod, false)]
    public void OnlyCrossOriginWritesAndCrossSiteEmbedsAreRefused(CrossOriginVerdict verdict, bool refused)
    {
        Assert.Equal(refused, CrossOriginRules.Refuses(verdict));
    }

    [Theory]
    [InlineData("https://trusted.example/app")]
    [InlineData("trusted.example")]
    [InlineData("ftp://trusted.example")]
    public void ATrustedOriginThatIsNotAnOriginIsRefusedNamingTheSetting(string origin)
    {
        var error = Assert.Throws<ArgumentException>(() => new CrossOriginRules([origin]));

        Assert.Contains("CrossOrigin:TrustedOrigins", error.Message, StringComparison.Ordinal);
    }
}
