using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// The last version of each recently used session this replica saw, so a page load can skip the
/// store read and go straight to the compare-and-set write: one store round trip instead of two.
///
/// It is never trusted on its own: every save carries the cached version as If-Match, so when any
/// other replica (or an expiry, or a reset) changed the session the store answers 412 and the
/// request reloads from the store. Staleness costs one extra round trip, never a lost update.
/// Bounded by <see cref="SessionOptions.LocalCacheSize"/> entries; 0 turns it off.
/// </summary>
public sealed class SessionCache : IDisposable
{
    private readonly MemoryCache? _cache;
    private readonly TimeSpan _idleTimeout;

    public SessionCache(IOptions<SessionOptions> options)
    {
        _idleTimeout = options.Value.IdleTimeout;
        if (options.Value.LocalCacheSize > 0)
        {
            _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.LocalCacheSize });
        }
    }

    public bool TryGet(string key, out SessionRecord record, out string version)
    {
        if (_cache?.Get(key) is Entry entry)
        {
            (record, version) = (entry.Record, entry.Version);
            return true;
        }
        (record, version) = (null!, null!);
        return false;
    }

    /// <summary>Remembers <paramref name="record"/> as the store's current value at <paramref name="version"/>.</summary>
    public void Set(string key, SessionRecord record, string version) =>
        _cache?.Set(key, new Entry(record, version), new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = _idleTimeout });

    public void Remove(string key) => _cache?.Remove(key);

    public void Dispose() => _cache?.Dispose();

    private sealed record Entry(SessionRecord Record, string Version);
}
