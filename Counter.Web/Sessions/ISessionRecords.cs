using Counter.Web.KvStore;

namespace Counter.Web.Sessions;

/// <summary>
/// The session records in the KV store, in session terms: load, compare-and-set save, touch, delete.
/// <see cref="SessionRecords"/> does the work; <see cref="InstrumentedSessionRecords"/> wraps it with
/// the spans, metrics and the mapping of store failures to the session layer's exceptions.
/// </summary>
public interface ISessionRecords
{
    /// <summary>The session's record and version: from this replica's cache when allowed (the save's version check validates it), else a GET.</summary>
    Task<LoadedSession> LoadAsync(StorageKey key, bool useCache, CancellationToken cancellationToken);

    /// <summary>The value a refused write sent back (the write that won), taken as a load at no store call.</summary>
    LoadedSession Winner(StorageKey key, VersionedValue current);

    /// <summary>
    /// Saves <paramref name="data"/> as the session, seen now: on top of <paramref name="current"/> (a
    /// new record when null) if the key is still at <paramref name="version"/> (if it does not exist yet, when null).
    /// </summary>
    Task<SavedSession> SaveAsync(StorageKey key, SessionRecord? current, SessionData data, string? version, CancellationToken cancellationToken);

    /// <summary>Extends the session's expiry without rewriting it; false when it is gone.</summary>
    Task<bool> TouchAsync(StorageKey key, SessionRecord record, string version, CancellationToken cancellationToken);

    Task DeleteAsync(StorageKey key, CancellationToken cancellationToken);
}
