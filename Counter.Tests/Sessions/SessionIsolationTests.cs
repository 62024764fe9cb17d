using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Sessions;

/// <summary>
/// One session cannot slow another: each session has its own gate per web replica, with a bounded
/// queue (Session:MaxWaitersPerSession; past it 429 for that session only). While 500 requests
/// flood one session, another session's pages go on, in order, far inside the request deadline;
/// a page queued behind the flooded session would wait out the 2 s deadline and answer 503.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class SessionIsolationTests(EmbeddedAppFixture app, ITestOutputHelper output)
{
    private const int Flood = 500;

    /// <summary>Half the request deadline (Session:RequestDeadline, 2 s): far more than a page takes on a loaded 2-core machine, far less than waiting for the flood.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task FiveHundredParallelRequestsOnOneSessionLeaveAnotherSessionsPagesWithinBound()
    {
        using var flooded = app.CreateBrowser();
        using var other = app.CreateBrowser();
        Assert.Equal(1, await flooded.LoadCounterAsync());
        Assert.Equal(1, await other.LoadCounterAsync());
        var usual = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            usual.Add(await TimedLoadAsync(other, expected: i + 2));
        }

        var flood = Task.WhenAll(Enumerable.Range(0, Flood).Select(_ => LoadAsync(flooded.SessionCookie!)));
        var during = new List<TimeSpan>();
        var expected = usual.Count + 2;
        while (!flood.IsCompleted || during.Count < 5)
        {
            during.Add(await TimedLoadAsync(other, expected++));
        }
        var statuses = await flood;

        output.WriteLine($"Other session: usual {Describe(usual)}; during the flood {Describe(during)}. Flood: " +
            string.Join(", ", statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()}× {(int)g.Key}")));
        Assert.All(during, elapsed => Assert.True(elapsed < Bound, $"A page of the other session took {elapsed.TotalMilliseconds:0} ms during the flood."));
        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.ServiceUnavailable }));
        Assert.Contains(HttpStatusCode.OK, statuses);
    }

    /// <summary>One load of the other session, which must show the next count (none lost, none skipped).</summary>
    private static async Task<TimeSpan> TimedLoadAsync(BrowserClient browser, int expected)
    {
        var started = Stopwatch.StartNew();
        Assert.Equal(expected, await browser.LoadCounterAsync());
        return started.Elapsed;
    }

    /// <summary>A load of the flooded session on its own connection (so the proxy spreads them over the replicas).</summary>
    private async Task<HttpStatusCode> LoadAsync(string cookie)
    {
        using var http = new HttpClient { BaseAddress = app.WebUrl, Timeout = TestTimeouts.Request };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", $"session={cookie}");
        using var response = await http.SendAsync(request);
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            Assert.True(response.Headers.RetryAfter is not null, $"A {(int)response.StatusCode} without Retry-After.");
        }
        return response.StatusCode;
    }

    private static string Describe(List<TimeSpan> times) =>
        FormattableString.Invariant($"{times.Count} pages, median {times.Order().ElementAt(times.Count / 2).TotalMilliseconds:0} ms, slowest {times.Max().TotalMilliseconds:0} ms");
}
