using Counter.Web.KvStore;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// The session records in the KV store, under their storage keys, with this replica's
/// <see cref="SessionCache"/> in front: a load may come from the cache (the next save's If-Match
/// checks it), and every save or touch keeps the cache at the store's version or drops the entry.
/// A record past its absolute lifetime is no session (the store's TTL enforces the idle timeout).
/// </summary>
public sealed class SessionRecords(KvStoreClient store, SessionCache cache, IOptions<SessionOptions> options, TimeProvider time) : ISessionRecords
{
    private readonly SessionOptions _options = options.Value;

    public async Task<LoadedSession> LoadAsync(SessionKey session, bool useCache, CancellationToken cancellationToken)
    {
        if (useCache && cache.TryGet(session.StorageKey, out var cached, out var cachedETag) && cached.IsWithinLifetime(time.GetUtcNow(), _options))
        {
            return new LoadedSession(cached, cachedETag, SessionSource.Cache, 0);
        }
        return Live(await store.GetAsync(session.StorageKey, cancellationToken), SessionSource.Store);
    }

    public LoadedSession Winner(SessionKey session, VersionedValue current) => Live(current, SessionSource.Conflict);

    public async Task<SavedSession> SaveAsync(SessionKey session, SessionRecord? current, SessionData data, string? etag, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = (current ?? new SessionRecord(now, now, data)) with { Seen = now, Data = data };
        var bytes = record.Serialize();
        PutResult result;
        try
        {
            result = await store.PutIfAsync(session.StorageKey, bytes, etag, record.TimeToLive(now, _options), cancellationToken);
        }
        catch (KvStoreValueTooLargeException ex)
        {
            throw new SessionTooLargeException($"The session is {bytes.Length} bytes, more than the store keeps; it was not saved.", ex);
        }
        if (result.Written)
        {
            cache.Set(session.StorageKey, record, result.ETag!);
        }
        else
        {
            cache.Remove(session.StorageKey);
        }
        return new SavedSession(result, bytes.Length);
    }

    public async Task<bool> TouchAsync(SessionKey session, SessionRecord record, string etag, CancellationToken cancellationToken)
    {
        var touched = await store.TouchAsync(session.StorageKey, record.TimeToLive(time.GetUtcNow(), _options), cancellationToken);
        if (touched)
        {
            cache.Set(session.StorageKey, record, etag); // A touch keeps the version: the record is still current.
        }
        else
        {
            cache.Remove(session.StorageKey);
        }
        return touched;
    }

    public Task DeleteAsync(SessionKey session, CancellationToken cancellationToken)
    {
        cache.Remove(session.StorageKey);
        return store.DeleteAsync(session.StorageKey, cancellationToken);
    }

    /// <summary>The stored value as a live session, or absent (none, unreadable, or past its absolute lifetime).</summary>
    private LoadedSession Live(VersionedValue? stored, SessionSource from)
    {
        var record = stored is null ? null : SessionRecord.TryParse(stored.Value);
        if (record is not null && !record.IsWithinLifetime(time.GetUtcNow(), _options))
        {
            record = null;
        }
        return new LoadedSession(record, record is null ? null : stored!.ETag, from, stored?.Value.Length ?? 0);
    }
}
