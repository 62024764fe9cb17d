using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// Loads the Lua scripts on every primary before the store starts listening, so the first visitor's
/// write does not pay for the server compiling them (Garnet: 0.15 s for the first SCRIPT LOAD on a
/// fresh server, and more while a cold store and web start beside it; a first page then crossed
/// web's 1 s write timeout and got a 503). The client remembers each script's hash and sends
/// EVALSHA from then on. A server that is down now is not fatal: the scripts load on first use.
/// </summary>
internal sealed partial class RedisWarmUp(IConnectionMultiplexer redis, ILogger<RedisWarmUp> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            foreach (var primary in await RedisPrimaries.ListAsync(redis))
            {
                foreach (var script in (string[])[RedisScripts.Put, RedisScripts.Delete, RedisScripts.Touch])
                {
                    await primary.Server.ScriptLoadAsync(script).WaitAsync(cancellationToken);
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or StorageUnavailableException)
        {
            LogWarmUpFailed(logger, ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(410, LogLevel.Warning, "Could not load the Lua scripts at start-up; they load on first use")]
    private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
}
