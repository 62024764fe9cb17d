using System.Text.RegularExpressions;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// Plays one browser against the web app: keeps cookies, does not follow redirects, and reads
/// the count from the page.
/// </summary>
public sealed partial class BrowserClient : IDisposable
{
    private readonly HttpClient _http;

    public BrowserClient(Uri baseAddress)
        : this(baseAddress, new SocketsHttpHandler())
    {
    }

    /// <summary>Over a handler of the caller's (its cookie and redirect settings are set here).</summary>
    public BrowserClient(Uri baseAddress, SocketsHttpHandler handler)
    {
        Cookies = new CookieContainer();
        handler.CookieContainer = Cookies;
        handler.AllowAutoRedirect = false;
        handler.UseCookies = true;
        _http = new HttpClient(handler)
        {
            BaseAddress = baseAddress,
            Timeout = TestTimeouts.Request,
        };
    }

    public CookieContainer Cookies { get; }

    public Uri BaseAddress => _http.BaseAddress!;

    public string? SessionCookie => Cookies.GetCookies(BaseAddress)["session"]?.Value;

    /// <summary>
    /// Loads the counter page and returns the count it shows. With <paramref name="traceId"/> the
    /// request carries a W3C traceparent, so the test can find the trace it caused.
    /// </summary>
    public async Task<int> LoadCounterAsync(string? traceId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        if (traceId is not null)
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01");
        }
        using var response = await _http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET / answered {(int)response.StatusCode}: {html}");
        return ParseCount(html);
    }

    /// <summary>
    /// Presses Reset as the page's form would in a browser: a same-origin form post, with the Fetch
    /// Metadata and Origin headers a browser adds. <paramref name="headers"/> replaces them;
    /// <paramref name="body"/> replaces the form's empty body.
    /// </summary>
    public async Task<HttpResponseMessage> ResetAsync(IReadOnlyDictionary<string, string>? headers = null, HttpContent? body = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/reset") { Content = body ?? new FormUrlEncodedContent([]) };
        headers ??= new Dictionary<string, string>
        {
            ["Sec-Fetch-Site"] = "same-origin",
            ["Origin"] = BaseAddress.GetLeftPart(UriPartial.Authority),
        };
        foreach (var (name, value) in headers)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return await _http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

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
}
