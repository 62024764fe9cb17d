namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// The Lua scripts that make each operation atomic on the Redis-protocol server. Each touches one
/// key only, so they work on Redis Cluster and Garnet cluster too.
///
/// Stored format, revision 1: one hash per key, "kv:" + key, with fields
///   val  the JSON value (UTF-8)
///   ver  the version: a random positive 63-bit number chosen by the writer (unique with
///        overwhelming probability, so a re-created key never matches an old version)
///   exp  expiry in Unix ms as the writing store's clock reckoned it, "0" for none: shown by the
///        dump, never used to decide liveness.
/// The server's own clock decides expiry: a write sets a relative TTL (PEXPIRE, milliseconds), and
/// a key is live exactly while the server has it (the server never returns an expired key). So a
/// store process whose clock is stepped or wrong can neither stamp a write that is already expired
/// nor hide a live key; only the server's clock matters, as it does for any Redis TTL.
/// </summary>
internal static class RedisScripts
{
    // Shared preamble: KEYS[1] the key. ver = the current version, or false when the key is absent or expired.
    private const string Current = """
        local ver = redis.call('HGET', KEYS[1], 'ver')

        """;

    /// <summary>
    /// ARGV: mode (any|match|none), expected version, new version, value, time to live in ms (0 = none),
    /// exp for the dump. Returns {outcome, version}: 1 created, 2 replaced, or -1 precondition failed
    /// with the current version and value ({-1, '0'} when the key is absent).
    /// </summary>
    public const string Put = Current + """
        if (ARGV[1] == 'match' and ver ~= ARGV[2]) or (ARGV[1] == 'none' and ver) then
          if ver then return {-1, ver, redis.call('HGET', KEYS[1], 'val')} else return {-1, '0'} end
        end
        redis.call('HSET', KEYS[1], 'val', ARGV[4], 'ver', ARGV[3], 'exp', ARGV[6])
        if ARGV[5] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[5]) end
        if ver then return {2, ARGV[3]} else return {1, ARGV[3]} end
        """;

    /// <summary>ARGV: expected version ('' = any). Returns {outcome, old value}: 1 deleted, 0 absent, -1 precondition failed.</summary>
    public const string Delete = Current + """
        if not ver then
          if ARGV[1] == '' then return {0, ''} else return {-1, ''} end
        end
        if ARGV[1] ~= '' and ver ~= ARGV[1] then return {-1, ''} end
        local old = redis.call('HGET', KEYS[1], 'val')
        redis.call('DEL', KEYS[1])
        return {1, old}
        """;

    /// <summary>ARGV: time to live in ms (0 = none), exp for the dump. Returns the unchanged version, or nil when absent.</summary>
    public const string Touch = Current + """
        if not ver then return false end
        redis.call('HSET', KEYS[1], 'exp', ARGV[2])
        if ARGV[1] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return ver
        """;
}
