namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// The Lua scripts that make each operation atomic on the Redis-protocol server. Each touches one
/// key only, so they work on Redis Cluster and Garnet cluster too.
///
/// Stored format, revision 1: one hash per key, "kv:" + key, with fields
///   val  the JSON value (UTF-8)
///   ver  the version: a random positive 63-bit number chosen by the writer (unique with
///        overwhelming probability, so a re-created key never matches an old version)
///   exp  expiry in Unix ms by the store's clock, "0" for none. Liveness is judged against the
///        store's clock (ARGV now); the server's own PEXPIREAT at the same instant reclaims the memory.
/// </summary>
internal static class RedisScripts
{
    // Shared preamble: KEYS[1] the key, ARGV[1] now (ms). cur = {ver, exp}; live = exists and not expired.
    private const string Live = """
        local cur = redis.call('HMGET', KEYS[1], 'ver', 'exp')
        local live = cur[1] and (cur[2] == '0' or tonumber(cur[2]) > tonumber(ARGV[1]))

        """;

    /// <summary>
    /// ARGV: now, mode (any|match|none), expected version, new version, value, expiry ms (0 = none).
    /// Returns {outcome, version}: 1 created, 2 replaced, or -1 precondition failed with the current
    /// version and value ({-1, '0'} when the key is absent).
    /// </summary>
    public const string Put = Live + """
        if (ARGV[2] == 'match' and ((not live) or cur[1] ~= ARGV[3])) or (ARGV[2] == 'none' and live) then
          if live then return {-1, cur[1], redis.call('HGET', KEYS[1], 'val')} else return {-1, '0'} end
        end
        redis.call('HSET', KEYS[1], 'val', ARGV[5], 'ver', ARGV[4], 'exp', ARGV[6])
        if ARGV[6] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIREAT', KEYS[1], ARGV[6]) end
        if live then return {2, ARGV[4]} else return {1, ARGV[4]} end
        """;

    /// <summary>ARGV: now, expected version ('' = any). Returns {outcome, old value}: 1 deleted, 0 absent, -1 precondition failed.</summary>
    public const string Delete = Live + """
        if not live then
          if ARGV[2] == '' then return {0, ''} else return {-1, ''} end
        end
        if ARGV[2] ~= '' and cur[1] ~= ARGV[2] then return {-1, ''} end
        local old = redis.call('HGET', KEYS[1], 'val')
        redis.call('DEL', KEYS[1])
        return {1, old}
        """;

    /// <summary>ARGV: now, new expiry ms (0 = none). Returns the unchanged version, or nil when absent.</summary>
    public const string Touch = Live + """
        if not live then return false end
        redis.call('HSET', KEYS[1], 'exp', ARGV[2])
        if ARGV[2] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIREAT', KEYS[1], ARGV[2]) end
        return cur[1]
        """;
}
