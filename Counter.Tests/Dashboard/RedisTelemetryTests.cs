using Counter.Tests.Infrastructure;

namespace Counter.Tests.Dashboard;

/// <summary>
/// On the Redis-protocol backend, the dashboard shows each Redis command under the storage
/// operation that sent it (Aspire's Redis client integration), and no span names a storage key,
/// a session identifier or the credential.
/// </summary>
public abstract class RedisTelemetryTests(CounterAppFixture app)
{
    [Fact]
    public async Task EachStorageOperationShowsItsRedisCommandsWithoutKeys()
    {
        using var telemetry = app.CreateTelemetryReader();
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        var identifier = browser.SessionCookie!;
        var storageKey = StorageKeys.For(identifier);
        var traceId = DashboardTelemetry.NewTraceId();
        await browser.LoadCounterAsync(traceId);

        var spans = await telemetry.WaitForTraceAsync(traceId, s =>
            s.Any(x => x.Name == "kv put") && s.Where(x => x.Name.StartsWith("kv ", StringComparison.Ordinal)).All(op => s.Any(c => c.ParentSpanId == op.SpanId)));

        foreach (var operation in spans.Where(s => s.Name.StartsWith("kv ", StringComparison.Ordinal)))
        {
            var commands = spans.Where(s => s.ParentSpanId == operation.SpanId).ToList();
            Assert.NotEmpty(commands);
            Assert.All(commands, c =>
            {
                Assert.Equal("kvstore", c.Service);
                Assert.Equal(SpanRecord.ClientKind, c.Kind);
                Assert.Equal("redis", c.Attributes.GetValueOrDefault("db.system") ?? c.Attributes.GetValueOrDefault("db.system.name"));
            });
        }
        foreach (var span in spans)
        {
            foreach (var secret in new[] { identifier, storageKey["session:".Length..], CounterAppFixture.OperationsCredential, CounterAppFixture.WebCredential, CounterAppFixture.GarnetPassword })
            {
                Assert.DoesNotContain(secret, span.Name, StringComparison.Ordinal);
                Assert.All(span.Attributes, a => Assert.False(a.Value.Contains(secret, StringComparison.Ordinal), $"Span '{span.Name}' attribute {a.Key}={a.Value} names a key or secret."));
            }
        }
    }
}
