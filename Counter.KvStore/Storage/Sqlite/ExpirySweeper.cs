using Microsoft.Extensions.Options;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// Reclaims the space of expired entries. Reads already ignore them; this only frees disk, so the
/// engine deletes only what is expired whatever the wall clock did (the embedded engine's
/// <c>ExpiryClock</c>: a margin past the earlier of the wall and monotonic clocks).
/// Deletes in bounded chunks so one sweep never holds the writer for long.
/// </summary>
internal sealed partial class ExpirySweeper(IKeyValueStorage storage, IOptions<SqliteStorageOptions> options, TimeProvider time, ILogger<ExpirySweeper> logger)
    : BackgroundService
{
    private const int ChunkSize = 1000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                int removed;
                do
                {
                    removed = await storage.SweepExpiredAsync(ChunkSize, stoppingToken);
                    if (removed > 0)
                    {
                        LogSwept(logger, removed);
                    }
                }
                while (removed == ChunkSize && !stoppingToken.IsCancellationRequested);
            }
            catch (StorageUnavailableException ex)
            {
                LogSweepFailed(logger, ex);
            }
        }
    }

    [LoggerMessage(20, LogLevel.Debug, "Reclaimed {Count} expired entries")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(21, LogLevel.Warning, "Expiry sweep failed; will retry next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
