using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// /health for the embedded engine means "can serve": the writer is running and its last commit
/// succeeded. After the disk refused a commit (full, read-only), each probe tries one real commit
/// that changes nothing, so the state turns back without waiting for a user's write once the disk
/// takes writes again. A writer stopped by an I/O error stays unhealthy until a restart. /alive
/// stays the process check (an orchestrator that restarts on it would not help a full disk).
/// </summary>
internal sealed class WriterHealthCheck(SqliteKeyValueStorage storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var health = storage.WriterHealth;
        if (health.Stopped is { } stopped)
        {
            return HealthCheckResult.Unhealthy(stopped);
        }
        if (health.Refused is null)
        {
            return HealthCheckResult.Healthy("The writer is committing.");
        }
        try
        {
            await storage.ProbeWriteAsync(cancellationToken);
            return HealthCheckResult.Healthy("The disk takes writes again.");
        }
        catch (StorageUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
