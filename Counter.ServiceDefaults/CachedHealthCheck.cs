using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Counter.ServiceDefaults;

/// <summary>
/// One registered health check, run at most once per lifetime however often /health is probed:
/// the endpoint answers without a credential, and a check may do real work (the store's probe
/// commit while its disk refuses writes, a round trip to every Redis node). Probes that arrive
/// while a run is in progress share it; its result, whatever it says, answers every probe until it
/// is older than the lifetime. The run has its own service scope and no probe's cancellation: a
/// probe that gives up stops waiting, and the run still serves the others. The registration's
/// timeout, if it has one, bounds the run.
/// </summary>
internal sealed class CachedHealthCheck : IHealthCheck
{
    private readonly HealthCheckRegistration _inner;
    private readonly TimeSpan _lifetime;
    private readonly IServiceScopeFactory _scopes;
    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _running;
    private HealthCheckResult? _last;
    private long _lastAt; // Stopwatch timestamp of the end of the last run.

    private CachedHealthCheck(HealthCheckRegistration inner, TimeSpan lifetime, IServiceScopeFactory scopes) =>
        (_inner, _lifetime, _scopes) = (inner, lifetime, scopes);

    /// <summary>The registration /health runs instead of <paramref name="inner"/>: same name, tags, failure status and timeout.</summary>
    public static HealthCheckRegistration Wrap(HealthCheckRegistration inner, TimeSpan lifetime)
    {
        CachedHealthCheck? shared = null;
        var gate = new Lock();
        return new HealthCheckRegistration(inner.Name, services =>
        {
            // One instance per registration, for the life of the app: the root scope factory is the same for every probe's scope.
            lock (gate)
            {
                return shared ??= new CachedHealthCheck(inner, lifetime, services.GetRequiredService<IServiceScopeFactory>());
            }
        }, inner.FailureStatus, inner.Tags, inner.Timeout)
        {
            Delay = inner.Delay,
            Period = inner.Period,
        };
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> run;
        lock (_lock)
        {
            if (_running is null)
            {
                if (_last is { } last && Stopwatch.GetElapsedTime(_lastAt) < _lifetime)
                {
                    return Task.FromResult(last);
                }
                // On the thread pool, so the run ends (and clears _running) only after this lock is released.
                _running = Task.Run(RunAsync, CancellationToken.None);
            }
            run = _running;
        }
        return run.WaitAsync(cancellationToken);
    }

    private async Task<HealthCheckResult> RunAsync()
    {
        HealthCheckResult result;
        using var timeout = _inner.Timeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(_inner.Timeout);
        try
        {
            await using var scope = _scopes.CreateAsyncScope();
            var check = _inner.Factory(scope.ServiceProvider);
            result = await check.CheckHealthAsync(new HealthCheckContext { Registration = _inner }, timeout?.Token ?? CancellationToken.None);
        }
        catch (OperationCanceledException ex) when (timeout?.IsCancellationRequested == true)
        {
            result = new HealthCheckResult(_inner.FailureStatus, "The check did not finish within its timeout.", ex);
        }
#pragma warning disable CA1031 // A failing check is an unhealthy answer, as HealthCheckService makes it; it must not fail every waiting probe.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            result = new HealthCheckResult(_inner.FailureStatus, ex.Message, ex);
        }
        lock (_lock)
        {
            _last = result;
            _lastAt = Stopwatch.GetTimestamp();
            _running = null;
        }
        return result;
    }
}
