using System.Globalization;
using System.Net.Http.Headers;
using Counter.Tests.Infrastructure;
using Counter.Tests.Security;

namespace Counter.Tests.Operations;

/// <summary>
/// With <c>Counter:ServerTiming</c> on, a page's Server-Timing header shows where its time went: the
/// session's load and save, the store call as web saw it, and the store's own stages (its whole answer,
/// the storage engine, the writer's queue, apply and commit), each stage inside the one around it.
/// </summary>
[Collection(HttpsApp.Name)]
public sealed class ServerTimingTests(HttpsAppFixture app)
{
    /// <summary>Durations are written to the microsecond.</summary>
    private const double Rounding = 0.002;

    [Fact]
    public async Task APageReportsEachStageOfItsSessionWorkNestedInsideTheOneAroundIt()
    {
        using var http = app.CreateHttpClient();
        const string client = "203.0.113.50"; // Its own client for the rate limit.
        using var first = await HttpsTests.SendAsync(http, "/", ("X-Forwarded-For", client));
        var cookie = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("session=", StringComparison.Ordinal)).Split(';')[0];

        using var second = await HttpsTests.SendAsync(http, "/", ("X-Forwarded-For", client), ("Cookie", cookie));

        Assert.Contains("Count: 2", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stages = Stages(second.Headers);
        string[] expected = ["app", "session-load", "session-save", "kvstore", "store-app", "store-storage", "store-queue", "store-apply", "store-commit"];
        Assert.All(expected, name => Assert.True(stages.ContainsKey(name), $"No {name} in Server-Timing: {string.Join(", ", second.Headers.GetValues("Server-Timing"))}"));
        // One save, one store call, one commit (the session came from web's cache).
        Assert.All(expected, name => Assert.Single(stages[name]));
        AssertWithin("store-commit", "store-storage");
        AssertWithin("store-queue", "store-storage");
        AssertWithin("store-storage", "store-app");
        AssertWithin("store-app", "kvstore");
        AssertWithin("kvstore", "session-save");
        AssertWithin("session-save", "app");

        void AssertWithin(string inner, string outer) =>
            Assert.True(stages[inner][0] <= stages[outer][0] + Rounding, $"{inner} ({stages[inner][0]} ms) took longer than {outer} ({stages[outer][0]} ms), which holds it");
    }

    [Fact]
    public async Task AStoreWriteReportsTheWritersStages()
    {
        using var store = app.CreateStoreClient();
        using var content = new StringContent("{\"n\":1}", new MediaTypeHeaderValue("application/json"));

        using var response = await store.PutAsync("/v1/keys/server-timing-" + Guid.NewGuid().ToString("N"), content);

        Assert.True(response.IsSuccessStatusCode, $"PUT answered {(int)response.StatusCode}");
        var stages = Stages(response.Headers);
        Assert.All(["app", "storage", "queue", "apply", "commit"], name => Assert.True(stages.ContainsKey(name), $"No {name} stage"));
        Assert.All(stages.Values.SelectMany(d => d), duration => Assert.InRange(duration, 0, TestTimeouts.Request.TotalMilliseconds));
    }

    /// <summary>Each stage's durations (ms) by name; every entry must be <c>name;dur=number</c>.</summary>
    private static Dictionary<string, List<double>> Stages(HttpResponseHeaders headers)
    {
        var stages = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var metric in headers.GetValues("Server-Timing").SelectMany(value => value.Split(',', StringSplitOptions.TrimEntries)))
        {
            var parts = metric.Split(";dur=");
            Assert.True(parts.Length == 2, $"'{metric}' is not name;dur=milliseconds");
            var duration = double.Parse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture);
            (stages.TryGetValue(parts[0], out var list) ? list : stages[parts[0]] = []).Add(duration);
        }
        return stages;
    }
}
