using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// /health is unhealthy for as long as the database is open read-only because its disk refused
/// writes at start (<see cref="ReadOnlyStart"/>): only a restart opens it for writes again.
/// </summary>
internal sealed class ReadOnlyStartHealthCheck(SqliteKeyValueStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(storage.ReadOnlyStart is { } readOnly
            ? HealthCheckResult.Unhealthy(readOnly.Description)
            : HealthCheckResult.Healthy("The database is open for writes."));
}
