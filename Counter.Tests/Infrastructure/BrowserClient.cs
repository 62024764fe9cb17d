using System.Text.RegularExpressions;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// Plays one browser against the web app: keeps cookies, does not follow redirects, and reads
/// the count and the anti-forgery token from the page.
/// </summary>
public sealed partial class BrowserClient : IDisposable
{
    private readonly HttpClient _http;

    public BrowserClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        _http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true })
        {
            BaseAddress = baseAddress,
            Timeout = TestTimeouts.Request,
        };
    }

    public CookieContainer Cookies { get; }

    public Uri BaseAddress => _http.BaseAddress!;

    public string? SessionCookie => Cookies.GetCookies(BaseAddress)["session"]?.Value;

    public string? LastToken { get; private set; }

    /// <summary>Loads the counter page and returns the count it shows.</summary>
    public async Task<int> LoadCounterAsync()
    {
        using var response = await _http.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET / answered {(int)response.StatusCode}: {html}");
        LastToken = TokenPattern().Match(html) is { Success: true } token ? WebUtility.HtmlDecode(token.Groups[1].Value) : null;
        return ParseCount(html);
    }

    /// <summary>Presses Reset as the page's form would, with its anti-forgery token.</summary>
    public async Task<HttpResponseMessage> ResetAsync(string? token = null)
    {
        var fields = new Dictionary<string, string>();
        if ((token ?? LastToken) is { } value)
        {
            fields["__RequestVerificationToken"] = value;
        }
        return await _http.PostAsync("/reset", new FormUrlEncodedContent(fields));
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public void SetSessionCookie(string value) => Cookies.Add(BaseAddress, new Cookie("session", value, "/"));

    public static int ParseCount(string html)
    {
        var match = CountPattern().Match(html);
        Assert.True(match.Success, $"No 'Count: N' in the page: {html}");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex(@"Count: (\d+)")]
    private static partial Regex CountPattern();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
