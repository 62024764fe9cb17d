using StackExchange.Redis;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// On the Redis backends the server's own clock decides expiry (relative TTLs), and a server's
/// clock cannot be moved. To let time pass for it, every key's remaining TTL is shortened by the
/// same amount, and a key whose TTL runs out is deleted, as the server would have done.
/// </summary>
public static class RedisServerClock
{
    // Atomic per key: a key's TTL is read and shortened in one step.
    private const string Age = """
        local left = redis.call('PTTL', KEYS[1])
        if left < 0 then return 0 end
        if left <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], left - tonumber(ARGV[1])) end
        return 1
        """;

    /// <summary>
    /// Every key is aged once: the keys are gathered from every node and each is aged through the
    /// client's routing (on its slot's primary). Asking only the nodes the client takes for primaries
    /// would age a key twice when, just after a failover, both the demoted and the promoted node are
    /// taken for primaries of its slot.
    /// </summary>
    public static async Task PassAsync(string connectionString, TimeSpan by)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var db = redis.GetDatabase();
        var milliseconds = (long)by.TotalMilliseconds;
        var keys = new HashSet<RedisKey>();
        foreach (var server in redis.GetServers().Where(s => s.IsConnected))
        {
            await foreach (var key in server.KeysAsync(pattern: "*", pageSize: 500))
            {
                keys.Add(key);
            }
        }
        foreach (var key in keys)
        {
            await db.ScriptEvaluateAsync(Age, [key], [milliseconds]);
        }
    }
}
