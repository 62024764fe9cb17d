using System.Diagnostics;
using Counter.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Counter.Tests.Operations;

/// <summary>
/// /health answers without a credential, so what probing costs must not grow with how often anyone
/// probes. Through the service defaults' real registration and endpoint, a registered check (here one
/// that counts its runs and answers Unhealthy, as the store's does while its disk refuses writes) runs
/// at most once per <see cref="Microsoft.Extensions.Hosting.Extensions.HealthResultLifetime"/>, and
/// concurrent probes share one run.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xunit disposes them through IAsyncLifetime.DisposeAsync.")]
[Trait("Category", "Unit")]
public sealed class HealthCheckCachingTests : IAsyncLifetime
{
    private const int Probes = 20;
    private static readonly TimeSpan Lifetime = Microsoft.Extensions.Hosting.Extensions.HealthResultLifetime;
    private readonly CountingCheck _check = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private int _arrived;

    public async ValueTask InitializeAsync()
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseUrls(url);
        builder.AddServiceDefaults();
        builder.Services.AddHealthChecks().AddCheck("counting", _check);
        _app = builder.Build();
        _app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath))
            {
                Interlocked.Increment(ref _arrived);
            }
            return next(context);
        });
        _app.MapDefaultEndpoints();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(url), Timeout = TestTimeouts.Request };
    }

    [Fact]
    public async Task ConcurrentProbesShareOneRunOfTheCheck()
    {
        var probes = Enumerable.Range(0, Probes).Select(_ => _client.GetAsync(new Uri("/health", UriKind.Relative))).ToList();
        var waited = Stopwatch.StartNew();
        while (Volatile.Read(ref _arrived) < Probes) // Every probe is at the server while the first run is held.
        {
            Assert.True(waited.Elapsed < TestTimeouts.Request, $"Only {_arrived} of {Probes} probes reached the server.");
            await Task.Delay(10);
        }

        var released = Stopwatch.StartNew();
        _check.Release();
        var responses = await Task.WhenAll(probes).WaitAsync(TestTimeouts.Request);
        var elapsed = released.Elapsed;

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode));
        Assert.InRange(_check.Runs, 1, 1 + (int)(elapsed / Lifetime));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task SequentialProbesRunTheCheckAtMostOncePerLifetimeAndAgainAfterIt()
    {
        _check.Release();
        var probing = Stopwatch.StartNew();
        for (var i = 0; i < Probes; i++)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync("/health"));
        }
        var elapsed = probing.Elapsed;
        var runs = _check.Runs;
        Assert.InRange(runs, 1, 1 + (int)(elapsed / Lifetime));

        await Task.Delay(Lifetime); // The last result is now older than its lifetime: the next probe checks again.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync("/health"));
        Assert.Equal(runs + 1, _check.Runs);
    }

    private async Task<HttpStatusCode> StatusAsync(string path)
    {
        using var response = await _client.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }

    public async ValueTask DisposeAsync()
    {
        _check.Release();
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Counts its runs; each waits for <see cref="Release"/>, then answers Unhealthy.</summary>
    private sealed class CountingCheck : IHealthCheck
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public void Release() => _gate.TrySetResult();

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _runs);
            await _gate.Task.WaitAsync(cancellationToken);
            return HealthCheckResult.Unhealthy("The disk refuses writes.");
        }
    }
}
