using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// /health for the embedded engine means "can serve": the writer is running, no write has waited
/// for it longer than <see cref="StallBound"/>, and its last commit succeeded. A commit that does
/// not finish (a hung disk, another process holding SQLite's write lock) fails nothing, so it is
/// judged by how long the oldest write has waited. After the disk refused a commit (full,
/// read-only), a run of this check tries one real commit that changes nothing, so the state turns
/// back without waiting for a user's write once the disk takes writes again. A writer stopped by an
/// I/O error stays unhealthy until a restart. /alive stays the process check (an orchestrator that
/// restarts on it would not help a full disk). The service defaults run it at most once per
/// <see cref="Microsoft.Extensions.Hosting.Extensions.HealthResultLifetime"/>, however often /health is probed.
/// </summary>
internal sealed class WriterHealthCheck(SqliteKeyValueStorage storage) : IHealthCheck
{
    /// <summary>
    /// Longest a write may wait for the writer before the store reports itself unhealthy: five times
    /// web's whole budget for a write (<c>KvStoreClient:AttemptTimeout</c>, 1 s), so every caller has given
    /// up by then, and far above a healthy commit (milliseconds, a full batch on a slow disk included).
    /// </summary>
    public static readonly TimeSpan StallBound = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = storage.WriterHealth;
        if (health.Stopped is { } stopped)
        {
            return HealthCheckResult.Unhealthy(stopped);
        }
        if (storage.WriterPendingFor is var waited && waited > StallBound)
        {
            return HealthCheckResult.Unhealthy(
                $"A write has waited {waited.TotalSeconds:F0} s for the writer (the bound is {StallBound.TotalSeconds:F0} s): a commit is not finishing, and writes time out.");
        }
        if (health.Refused is null)
        {
            return HealthCheckResult.Healthy("The writer is committing.");
        }
        // The probe commit waits no longer than a write may: behind a hung commit it would never return.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StallBound);
        try
        {
            await storage.ProbeWriteAsync(bounded.Token).WaitAsync(bounded.Token);
            return HealthCheckResult.Healthy("The disk takes writes again.");
        }
        catch (StorageUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"A probe commit did not finish within {StallBound.TotalSeconds:F0} s.");
        }
    }
}
