using Counter.Web.KvStore;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// The session records in the KV store, under their storage keys, with this replica's
/// <see cref="SessionCache"/> in front: a load may come from the cache (the next save's version
/// check catches a stale one), and every save or touch keeps the cache at the store's version or drops the entry.
/// A record past its absolute lifetime is no session (the store's TTL enforces the idle timeout).
/// </summary>
public sealed class SessionRecords(KvStoreClient store, SessionCache cache, IOptions<SessionOptions> options, TimeProvider time) : ISessionRecords
{
    private readonly SessionOptions _options = options.Value;

    public async Task<LoadedSession> LoadAsync(StorageKey key, bool useCache, CancellationToken cancellationToken)
    {
        if (useCache && cache.TryGet(key.Value, out var cached, out var cachedVersion) && cached.IsWithinLifetime(time.GetUtcNow(), _options))
        {
            return new LoadedSession(cached, cachedVersion, SessionSource.Cache, 0);
        }
        return Live(await store.GetAsync(key.Value, cancellationToken), SessionSource.Store);
    }

    public LoadedSession Winner(StorageKey key, VersionedValue current) => Live(current, SessionSource.Conflict);

    public async Task<SavedSession> SaveAsync(StorageKey key, SessionRecord? current, SessionData data, string? version, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = (current ?? new SessionRecord(now, now, data)) with { Seen = now, Data = data };
        var bytes = record.Serialize();
        PutResult result;
        try
        {
            result = await store.PutIfAsync(key.Value, bytes, version, record.TimeToLive(now, _options), cancellationToken);
        }
        catch (KvStoreValueTooLargeException ex)
        {
            throw new SessionTooLargeException($"The session is {bytes.Length} bytes, more than the store keeps; it was not saved.", ex);
        }
        if (result.Written)
        {
            cache.Set(key.Value, record, result.Version!);
        }
        else
        {
            cache.Remove(key.Value);
        }
        return new SavedSession(result, bytes.Length);
    }

    public async Task<bool> TouchAsync(StorageKey key, SessionRecord record, string version, CancellationToken cancellationToken)
    {
        var touched = await store.TouchAsync(key.Value, record.TimeToLive(time.GetUtcNow(), _options), cancellationToken);
        if (touched)
        {
            cache.Set(key.Value, record, version); // A touch keeps the version: the record is still current.
        }
        else
        {
            cache.Remove(key.Value);
        }
        return touched;
    }

    public Task DeleteAsync(StorageKey key, CancellationToken cancellationToken)
    {
        cache.Remove(key.Value);
        return store.DeleteAsync(key.Value, cancellationToken);
    }

    /// <summary>The stored value as a live session, or absent (none, unreadable, or past its absolute lifetime).</summary>
    private LoadedSession Live(VersionedValue? stored, SessionSource from)
    {
        var record = stored is null ? null : SessionRecord.TryParse(stored.Value);
        if (record is not null && !record.IsWithinLifetime(time.GetUtcNow(), _options))
        {
            record = null;
        }
        return new LoadedSession(record, record is null ? null : stored!.Version, from, stored?.Value.Length ?? 0);
    }
}
