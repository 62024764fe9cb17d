using Counter.Tests.Infrastructure;

namespace Counter.Tests.Dashboard;

/// <summary>
/// What the dashboard shows for a page load, read back through its telemetry API: one trace per
/// load across both services, with the session layer's spans, and no secrets anywhere.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class ServerSideTelemetryTests(EmbeddedAppFixture app)
{
    private const int PageLoads = 5;

    [Fact]
    public async Task EveryPageLoadIsOneTraceWhoseStoreCallsReachDownToTheStorageOperation()
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

        string? previousReplica = null;
        var singleCallLoads = 0;
        foreach (var traceId in traceIds)
        {
            // Complete when the web server span (which ends after its children) is there and every
            // store call has its storage span.
            var spans = await telemetry.WaitForTraceAsync(traceId, TraceShapes.IsCompleteStoreTrace);
            var tree = new SpanTree(spans);
            var server = Assert.Single(spans, TraceShapes.IsWebServerSpan);
            Assert.All(spans, s => Assert.Equal(traceId, s.TraceId));

            // Every store call is visible: client span → store server span → storage operation.
            var loads = spans.Where(s => s.Name == "session load").ToList();
            var saves = spans.Where(s => s.Name == "session save").ToList();
            Assert.NotEmpty(loads);
            Assert.All(loads, load =>
            {
                Assert.Equal("hit", load.Attributes["session.outcome"]);
                if (load.Attributes["session.source"] == "store")
                {
                    tree.AssertChain(load, "GET /v1/keys/{key}", "GET /v1/keys/{key}", "kv get");
                }
                else
                {
                    Assert.True(load.Attributes["session.source"] is "cache" or "conflict", load.Attributes["session.source"]);
                    tree.AssertNoChildren(load);
                }
            });
            Assert.All(saves, save => tree.AssertChain(save, "PUT /v1/keys/{key}", "PUT /v1/keys/{key}", "kv put"));
            Assert.Single(saves, save => save.Attributes["session.outcome"] == "saved");
            Assert.Equal(saves.Count - 1, saves.Count(save => save.Attributes["session.outcome"] == "conflict"));

            // A load on the replica that saved the previous one needs no read: one store call in all.
            if (server.Instance == previousReplica)
            {
                Assert.Equal("cache", Assert.Single(loads).Attributes["session.source"]);
                Assert.Single(spans, TraceShapes.IsStoreCall);
                singleCallLoads++;
            }
            previousReplica = server.Instance;

            foreach (var span in spans)
            {
                AssertNoSecret(span, identifier);
                AssertNoSecret(span, storageKey["session:".Length..]);
                AssertNoSecret(span, CounterAppFixture.OperationsCredential);
                AssertNoSecret(span, CounterAppFixture.WebCredential);
            }
        }
        // One client connection stays on one replica, so returning loads do happen here.
        Assert.True(singleCallLoads > 0, "No two consecutive loads reached the same replica.");
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
        await telemetry.WaitForTraceAsync(sentinel, TraceShapes.IsCompleteStoreTrace);
        var spans = await telemetry.WaitForTraceAsync(aboutTrace, s => s.Any(TraceShapes.IsWebServerSpan));

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
        // A refused cross-site Reset, carrying the session cookie, makes web log a line.
        using (var refused = await browser.ResetAsync(new Dictionary<string, string> { ["Sec-Fetch-Site"] = "cross-site" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        await browser.LoadCounterAsync(traceId);
        await telemetry.WaitForTraceAsync(traceId, TraceShapes.IsCompleteStoreTrace);

        var logs = await telemetry.WaitForLogsContainingAsync("Refused a cross-origin POST /reset");
        var spans = await telemetry.ReadAllSpansAsync();

        // The search covers both services' logs and the session spans...
        Assert.Contains("Opened store", logs, StringComparison.Ordinal);
        Assert.Contains("session load", spans, StringComparison.Ordinal);
        // ...and finds no identifier and no credential in any of them.
        Assert.DoesNotContain(browser.SessionCookie!, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(CounterAppFixture.OperationsCredential, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(CounterAppFixture.WebCredential, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.SessionCookie!, spans, StringComparison.Ordinal);
        Assert.DoesNotContain(CounterAppFixture.OperationsCredential, spans, StringComparison.Ordinal);
        Assert.DoesNotContain(CounterAppFixture.WebCredential, spans, StringComparison.Ordinal);
        foreach (var secret in new[] { CounterAppFixture.SessionKeySecret, CounterAppFixture.KeyRingEncryptionKey })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, spans, StringComparison.Ordinal);
        }
    }

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

        public void AssertNoChildren(SpanRecord span) => Assert.DoesNotContain(spans, s => s.ParentSpanId == span.SpanId);
    }
}
