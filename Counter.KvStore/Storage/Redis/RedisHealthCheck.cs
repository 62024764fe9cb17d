using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>The store is healthy only while its Redis-protocol server answers PING.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy("The Redis-protocol server does not answer.", ex);
        }
    }
}
