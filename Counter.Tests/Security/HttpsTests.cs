using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// Web in Production over HTTPS (a certificate the test made): the session cookie is
/// <c>__Host-session; Secure; HttpOnly; SameSite=Lax; Path=/</c> and HSTS is sent, as a client
/// receives them; plain HTTP keeps working, and a trusted proxy's X-Forwarded-Proto counts as HTTPS.
/// </summary>
[Collection(HttpsApp.Name)]
public sealed class HttpsTests(HttpsAppFixture app)
{
    [Fact]
    public async Task OverHttpsTheSessionCookieIsHostPrefixedAndSecure()
    {
        using var https = app.CreateHttpsClient();

        using var first = await https.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var cookie = SessionCookieOf(first, "__Host-session");
        AssertFlags(cookie, secure: true);
        Assert.DoesNotContain("domain=", cookie, StringComparison.OrdinalIgnoreCase);

        // The prefixed cookie is the one read back.
        using var second = await SendAsync(https, "/", ("Cookie", cookie.Split(';')[0]));
        Assert.Contains("Count: 2", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OverHttpsAnUnprefixedCookieIsNotRead()
    {
        // A valid session, but named as plain HTTP names it: over HTTPS it may have been planted, so it
        // is ignored and a fresh session starts.
        using var http = app.CreateHttpClient();
        using var overHttp = await http.GetAsync("/");
        var plain = SessionCookieOf(overHttp, "session").Split(';')[0];
        using var https = app.CreateHttpsClient();

        using var response = await SendAsync(https, "/", ("Cookie", plain));

        Assert.Contains("Count: 1", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        SessionCookieOf(response, "__Host-session");
    }

    [Fact]
    public async Task HstsIsSentOverHttpsInProduction()
    {
        using var https = app.CreateHttpsClient();

        using var response = await https.GetAsync("/about");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.TryGetValues("Strict-Transport-Security", out var hsts), "No Strict-Transport-Security header over HTTPS.");
        Assert.StartsWith("max-age=", Assert.Single(hsts), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainHttpKeepsWorkingWithAnUnprefixedCookieAndNoHsts()
    {
        using var http = app.CreateHttpClient();

        using var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertFlags(SessionCookieOf(response, "session"), secure: false);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task ATrustedProxysForwardedProtoCountsAsHttps()
    {
        using var http = app.CreateHttpClient();

        using var response = await SendAsync(http, "/", ("X-Forwarded-Proto", "https"), ("X-Forwarded-For", "198.51.100.20"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertFlags(SessionCookieOf(response, "__Host-session"), secure: true);
    }

    [Fact]
    public async Task TestHooksAreNotMappedInProduction()
    {
        using var http = app.CreateHttpClient();

        using var response = await SendAsync(http, HttpMethod.Post, "/_testing/clock?offsetSeconds=60", ("Authorization", $"Bearer {CounterAppFixture.WebCredential}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    internal static Task<HttpResponseMessage> SendAsync(HttpClient client, string path, params (string Name, string Value)[] headers) =>
        SendAsync(client, HttpMethod.Get, path, headers);

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return await client.SendAsync(request);
    }

    /// <summary>The one Set-Cookie line for <paramref name="name"/>, as sent.</summary>
    internal static string SessionCookieOf(HttpResponseMessage response, string name)
    {
        var lines = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        return Assert.Single(lines, line => line.StartsWith(name + "=", StringComparison.Ordinal));
    }

    private static void AssertFlags(string cookie, bool secure)
    {
        var flags = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(f => f.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", flags);
        Assert.Contains("samesite=lax", flags);
        Assert.Contains("path=/", flags);
        Assert.Equal(secure, flags.Contains("secure"));
    }
}
