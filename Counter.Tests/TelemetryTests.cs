using Counter.Tests.Infrastructure;

namespace Counter.Tests;

/// <summary>
/// What the dashboard shows for a page load, read back through its telemetry API: one trace per
/// load across both services, with the session layer's spans, and no secrets anywhere.
/// </summary>
[Collection(ServerSideApp.Name)]
public sealed class ServerSideTelemetryTests(ServerSideAppFixture app)
{
    private const int PageLoads = 5;

    [Fact]
    public async Task EveryPageLoadIsOneTraceWithALoadAndASaveEachDownToTheStorageOperation()
    {
        using var telemetry = app.CreateTelemetryReader();
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync(); // Creates the session: later loads both load and save.
        var identifier = browser.SessionCookie!;
        var storageKey = StorageKeys.For(identifier);

        var traceIds = new List<string>();
        for (var i = 0; i < PageLoads; i++)
        {
            var traceId = DashboardTelemetry.NewTraceId();
            await browser.LoadCounterAsync(traceId);
            traceIds.Add(traceId);
        }

        foreach (var traceId in traceIds)
        {
            var spans = await telemetry.WaitForTraceAsync(traceId, s => s.Count(x => x.Name.StartsWith("kv ", StringComparison.Ordinal)) >= 2 && s.Any(IsWebServerSpan));
            var tree = new SpanTree(spans);

            Assert.All(spans, s => Assert.Equal(traceId, s.TraceId));
            Assert.Single(spans, IsWebServerSpan);
            var load = Assert.Single(spans, s => s.Name == "session load");
            var save = Assert.Single(spans, s => s.Name == "session save");
            Assert.Equal("hit", load.Attributes["session.outcome"]);
            Assert.Equal("saved", save.Attributes["session.outcome"]);

            tree.AssertChain(load, "GET kvstore /v1/keys/{key}", "GET /v1/keys/{key}", "kv get");
            tree.AssertChain(save, "PUT kvstore /v1/keys/{key}", "PUT /v1/keys/{key}", "kv put");

            foreach (var span in spans)
            {
                AssertNoSecret(span, identifier);
                AssertNoSecret(span, storageKey["session:".Length..]);
                AssertNoSecret(span, CounterAppFixture.ApiKey);
            }
        }
    }

    [Fact]
    public async Task ThePageWithoutSessionMakesNoStoreCall()
    {
        using var telemetry = app.CreateTelemetryReader();
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        var aboutTrace = DashboardTelemetry.NewTraceId();
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/about") { Headers = { { "traceparent", $"00-{aboutTrace}-{System.Diagnostics.ActivitySpanId.CreateRandom()}-01" } } })
        using (var about = await browser.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, about.StatusCode);
        }

        // A later page load's store spans arriving proves earlier ones would have arrived too.
        var sentinel = DashboardTelemetry.NewTraceId();
        await browser.LoadCounterAsync(sentinel);
        await telemetry.WaitForTraceAsync(sentinel, s => s.Count(x => x.Name.StartsWith("kv ", StringComparison.Ordinal)) >= 2);
        var spans = await telemetry.WaitForTraceAsync(aboutTrace, s => s.Any(IsWebServerSpan));

        var only = Assert.Single(spans);
        Assert.Equal("GET /about", only.Name);
    }

    [Fact]
    public async Task LogsCarryNeitherSessionIdentifiersNorTheStoreCredential()
    {
        using var telemetry = app.CreateTelemetryReader();
        using var browser = app.CreateBrowser();
        var traceId = DashboardTelemetry.NewTraceId();
        await browser.LoadCounterAsync();
        await browser.LoadCounterAsync(traceId);
        await telemetry.WaitForTraceAsync(traceId, s => s.Count(x => x.Name.StartsWith("kv ", StringComparison.Ordinal)) >= 2);

        var logs = await telemetry.ReadAllLogsAsync();
        var spans = await telemetry.ReadAllSpansAsync();

        // The search covers both services' logs and the session spans...
        Assert.Contains("Loading the Data Protection key ring", logs, StringComparison.Ordinal);
        Assert.Contains("Opened store", logs, StringComparison.Ordinal);
        Assert.Contains("session load", spans, StringComparison.Ordinal);
        // ...and finds no identifier and no credential in any of them.
        Assert.DoesNotContain(browser.SessionCookie!, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(CounterAppFixture.ApiKey, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.SessionCookie!, spans, StringComparison.Ordinal);
        Assert.DoesNotContain(CounterAppFixture.ApiKey, spans, StringComparison.Ordinal);
    }

    internal static bool IsWebServerSpan(SpanRecord span) => span.Service == "web" && span.Kind == SpanRecord.ServerKind;

    private static void AssertNoSecret(SpanRecord span, string secret)
    {
        Assert.DoesNotContain(secret, span.Name, StringComparison.Ordinal);
        foreach (var (key, value) in span.Attributes)
        {
            Assert.False(value.Contains(secret, StringComparison.Ordinal), $"Span '{span.Name}' attribute {key}={value} contains a secret.");
        }
    }

    /// <summary>Parent/child navigation over one trace's spans.</summary>
    private sealed class SpanTree(IReadOnlyList<SpanRecord> spans)
    {
        /// <summary>Each named span is the single child of the one before it, starting below <paramref name="root"/>.</summary>
        public void AssertChain(SpanRecord root, params string[] names)
        {
            var parent = root;
            foreach (var name in names)
            {
                var children = spans.Where(s => s.ParentSpanId == parent.SpanId).ToList();
                var child = Assert.Single(children);
                Assert.Equal(name, child.Name);
                parent = child;
            }
        }
    }
}

/// <summary>Cookie mode: page loads trace no store call at all.</summary>
[Collection(CookieModeApp.Name)]
public sealed class CookieModeTelemetryTests(CookieAppFixture app)
{
    [Fact]
    public async Task PageLoadsInCookieModeHaveNoStoreSpans()
    {
        using var telemetry = app.CreateTelemetryReader();
        using var browser = app.CreateBrowser();

        for (var i = 0; i < 3; i++)
        {
            var traceId = DashboardTelemetry.NewTraceId();
            await browser.LoadCounterAsync(traceId);
            // The server span ends after all its children in the same process, so once it is
            // exported, any client span it had was exported too.
            var spans = await telemetry.WaitForTraceAsync(traceId, s => s.Any(ServerSideTelemetryTests.IsWebServerSpan));

            Assert.DoesNotContain(spans, s => s.Kind == SpanRecord.ClientKind);
            Assert.DoesNotContain(spans, s => s.Service == "kvstore");
            Assert.DoesNotContain(spans, s => s.Name.StartsWith("session ", StringComparison.Ordinal));
        }
    }
}
