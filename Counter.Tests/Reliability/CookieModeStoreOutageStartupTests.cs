using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Reliability;

/// <summary>
/// Cookie mode keeps its Data Protection key ring in the store. A web process (re)started while the
/// store is down starts anyway: its pages answer 503 with Retry-After until the ring can be read,
/// then serve without a restart; a cookie from before the outage still reads (its count goes on),
/// and the outage did not make web create a second key (that would orphan the ring it had).
/// Real processes: the store executable and the web executable.
/// </summary>
public sealed class CookieModeStoreOutageStartupTests
{
    private static readonly Dictionary<string, string?> CookieMode = new() { ["Session__Mode"] = "Cookie" };

    [Fact]
    public async Task WebStartsWhileTheStoreIsDownAnswers503AndThenServesCookiesFromBeforeTheOutage()
    {
        var data = Directory.CreateTempSubdirectory("counter-cookie-outage-");
        try
        {
            var storeUrl = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}");
            string cookie;
            IReadOnlyList<string> ringBefore;
            await using (var store = await KvStoreProcess.StartAsync(data.FullName, url: storeUrl))
            {
                await using (var web = await WebProcess.StartAsync(storeUrl, CookieMode))
                {
                    using var browser = new BrowserClient(web.Url);
                    Assert.Equal(1, await browser.LoadCounterAsync());
                    cookie = browser.SessionCookie!;
                }
                ringBefore = await KeyRingAsync(store);
                await store.StopAsync();
            }
            Assert.NotEmpty(ringBefore);

            await using var restarted = await WebProcess.StartAsync(storeUrl, CookieMode); // Fails here when start-up needs the store.
            using var returning = new BrowserClient(restarted.Url);
            returning.SetSessionCookie(cookie);
            using (var during = await returning.GetAsync("/"))
            {
                Assert.True(during.StatusCode == HttpStatusCode.ServiceUnavailable, $"GET / answered {(int)during.StatusCode}:\n{restarted.Output}");
                Assert.NotNull(during.Headers.RetryAfter);
                Assert.False(during.Headers.Contains("Set-Cookie")); // The session was neither replaced nor dropped.
            }

            await using var storeAgain = await KvStoreProcess.StartAsync(data.FullName, url: storeUrl);
            var waited = Stopwatch.StartNew();
            HttpStatusCode status;
            string html;
            do
            {
                using var response = await returning.GetAsync("/");
                status = response.StatusCode;
                html = await response.Content.ReadAsStringAsync();
            }
            while (status != HttpStatusCode.OK && waited.Elapsed < TestTimeouts.Request && await PauseAsync());

            Assert.True(status == HttpStatusCode.OK, $"GET / still answered {(int)status} {waited.Elapsed} after the store came back:\n{restarted.Output}");
            Assert.Equal(2, BrowserClient.ParseCount(html));
            Assert.Equal(ringBefore, await KeyRingAsync(storeAgain));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    /// <summary>The key ring's store keys, read with the operations credential.</summary>
    private static async Task<IReadOnlyList<string>> KeyRingAsync(KvStoreProcess store)
    {
        using var http = store.CreateClient();
        var lines = (await http.GetStringAsync("/v1/entries?prefix=dataprotection:")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. lines.Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("key").GetString()!).Order(StringComparer.Ordinal)];
    }

    private static async Task<bool> PauseAsync()
    {
        await Task.Delay(200);
        return true;
    }
}
