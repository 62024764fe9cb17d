using System.Diagnostics;
using Counter.Web.KvClient;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// Server-side sessions: the cookie holds a random identifier, the data lives in the KV store
/// under a keyed hash of it.
///
/// No lost update: every save is a compare-and-set on the version read (If-Match), or a
/// create-only write (If-None-Match: *) for a new session. When another request saved first the
/// store answers 412 and this request reloads, re-applies its change and tries again, after a
/// short random pause. The guarantee lives in the store, so it holds across any number of web
/// replicas. A request costs one load and at most one save (or one touch when nothing changed);
/// only conflicting requests pay more. The load is usually free: this replica's
/// <see cref="SessionCache"/> remembers the version it last saved, and the If-Match on the save
/// validates it, so a returning user's page load is a single store round trip.
///
/// No fixation: an identifier is adopted only if the store holds a live session for it; anything
/// else (unknown, expired, malformed, forged) gets a fresh identifier.
/// </summary>
public sealed partial class ServerSessionStore(
    KvStoreClient store,
    WriteCoalescer writes,
    SessionIdentifiers identifiers,
    SessionCache cache,
    SessionTelemetry telemetry,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<ServerSessionStore> logger) : ISessionStore
{
    private readonly SessionOptions _options = options.Value;

    public async Task<SessionData> UpdateAsync(HttpContext context, Action<SessionData> change, CancellationToken cancellationToken)
    {
        var identifier = context.Request.Cookies[_options.CookieName];
        var issued = false;
        var useCache = true;
        PutResult? lost = null; // The last refused write's answer: it carries the winning value.
        if (!SessionIdentifiers.IsWellFormed(identifier))
        {
            identifier = null;
        }

        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var key = identifier is null ? null : identifiers.StorageKey(identifier);
            var loaded = key is null ? Loaded.None : await LoadAsync(key, now, useCache, lost, cancellationToken);
            var (record, etag) = (loaded.Record, loaded.ETag);
            if (record is null)
            {
                // Never adopt an identifier the store does not know: issue a new one.
                if (!issued)
                {
                    identifier = SessionIdentifiers.NewIdentifier();
                    key = identifiers.StorageKey(identifier);
                    issued = true;
                }
                record = new SessionRecord(now, now, new SessionData());
                etag = null;
            }

            var data = record.Data.Clone();
            change(data);
            if (etag is not null && data.SameAs(record.Data))
            {
                // Nothing changed: extend the expiry. A touch does not check the version, so a value
                // from the cache is confirmed by a read first (one GET, as without the cache).
                if (loaded.Source == SessionTelemetry.Sources.Cache)
                {
                    (useCache, lost) = (false, null);
                    attempt--;
                    continue;
                }
                if (await TouchAsync(key!, record, etag, now, cancellationToken))
                {
                    return data;
                }
                (useCache, lost) = (false, null);
            }
            else
            {
                var result = await SaveAsync(key!, record with { Seen = now, Data = data }, etag, now, cancellationToken);
                if (result.Written)
                {
                    if (issued)
                    {
                        context.Response.Cookies.Append(_options.CookieName, identifier!, SessionCookie.Options(context, _options.AbsoluteLifetime));
                    }
                    return data;
                }
                (useCache, lost) = (false, result);
                if (loaded.Source == SessionTelemetry.Sources.Cache)
                {
                    // The cached version was stale (another replica, an expiry or a reset got there
                    // first): not a race with a live competitor, so retry at once with the winner's value.
                    attempt--;
                    continue;
                }
            }

            if (attempt >= _options.MaxConflictRetries)
            {
                LogGaveUp(logger, attempt, SessionIdentifiers.Tag(key!));
                throw new SessionStoreUnavailableException($"The session changed under {attempt} attempts in a row; try again.");
            }
            await Task.Delay(ConflictBackoff(attempt), time, cancellationToken);
        }
    }

    /// <summary>
    /// Exponential backoff with full jitter (a random pause up to 2 ms × 2^attempt, at most 100 ms):
    /// competitors spread out instead of colliding again, so N racing requests cost far fewer than
    /// N² store calls and the store stays responsive for everyone else.
    /// </summary>
    private static TimeSpan ConflictBackoff(int attempt) =>
        TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Math.Min(100, 2 * Math.Pow(2, Math.Min(attempt, 10))));

    public async Task<SessionData> ReadAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var identifier = context.Request.Cookies[_options.CookieName];
        if (!SessionIdentifiers.IsWellFormed(identifier))
        {
            return new SessionData();
        }
        var key = identifiers.StorageKey(identifier!);
        var now = time.GetUtcNow();
        var loaded = await LoadAsync(key, now, useCache: false, lost: null, cancellationToken);
        if (loaded.Record is null)
        {
            return new SessionData();
        }
        await TouchAsync(key, loaded.Record, loaded.ETag!, now, cancellationToken);
        return loaded.Record.Data;
    }

    public async Task DestroyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var identifier = context.Request.Cookies[_options.CookieName];
        if (SessionIdentifiers.IsWellFormed(identifier))
        {
            var key = identifiers.StorageKey(identifier!);
            cache.Remove(key);
            await store.DeleteAsync(key, cancellationToken);
        }
        SessionCookie.Delete(context, _options);
    }

    /// <summary>
    /// The session's record and version, from the cheapest place that has it: the value a refused
    /// write sent back (<paramref name="lost"/>), this replica's cache (when allowed; the save's
    /// If-Match validates it), or else a GET to the store. Record is null when there is no live session.
    /// </summary>
    private async Task<Loaded> LoadAsync(string key, DateTimeOffset now, bool useCache, PutResult? lost, CancellationToken cancellationToken)
    {
        using var activity = SessionTelemetry.StartLoad(SessionIdentifiers.Tag(key));
        var started = Stopwatch.GetTimestamp();
        if (lost is not null)
        {
            return Finish(lost.Current, SessionTelemetry.Sources.Conflict);
        }
        if (useCache && cache.TryGet(key, out var cached, out var cachedETag) && cached.IsWithinLifetime(now, _options))
        {
            telemetry.Loaded(activity, SessionTelemetry.Outcomes.Hit, SessionTelemetry.Sources.Cache, 0, Stopwatch.GetElapsedTime(started));
            return new Loaded(cached, cachedETag, SessionTelemetry.Sources.Cache);
        }
        try
        {
            return Finish(await store.GetAsync(key, cancellationToken), SessionTelemetry.Sources.Store);
        }
        catch (SessionStoreUnavailableException ex)
        {
            telemetry.Failed(activity, ex);
            throw;
        }

        Loaded Finish(VersionedValue? stored, string source)
        {
            var record = stored is null ? null : SessionRecord.TryParse(stored.Value);
            // The store's TTL enforces idle expiry; the absolute lifetime is checked here too.
            if (record is not null && !record.IsWithinLifetime(now, _options))
            {
                record = null;
            }
            telemetry.Loaded(activity, record is null ? SessionTelemetry.Outcomes.Miss : SessionTelemetry.Outcomes.Hit, source,
                stored?.Value.Length ?? 0, Stopwatch.GetElapsedTime(started));
            return record is null ? Loaded.None with { Source = source } : new Loaded(record, stored!.ETag, source);
        }
    }

    private readonly record struct Loaded(SessionRecord? Record, string? ETag, string Source)
    {
        public static Loaded None => new(null, null, SessionTelemetry.Sources.Store);
    }

    private async Task<PutResult> SaveAsync(string key, SessionRecord record, string? etag, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = SessionTelemetry.StartSave(SessionIdentifiers.Tag(key));
        var started = Stopwatch.GetTimestamp();
        var bytes = record.Serialize();
        try
        {
            var result = await writes.PutIfAsync(key, bytes, etag, record.TimeToLive(now, _options), cancellationToken);
            if (result.Written)
            {
                cache.Set(key, record, result.ETag!);
            }
            else
            {
                cache.Remove(key);
            }
            telemetry.Saved(activity, result.Written ? SessionTelemetry.Outcomes.Saved : SessionTelemetry.Outcomes.Conflict, bytes.Length, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (SessionStoreUnavailableException ex)
        {
            telemetry.Failed(activity, ex);
            throw;
        }
    }

    private async Task<bool> TouchAsync(string key, SessionRecord record, string etag, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = SessionTelemetry.StartSave(SessionIdentifiers.Tag(key));
        var started = Stopwatch.GetTimestamp();
        try
        {
            var touched = await store.TouchAsync(key, record.TimeToLive(now, _options), cancellationToken);
            if (touched)
            {
                cache.Set(key, record, etag); // A touch keeps the version: the record is still current.
            }
            else
            {
                cache.Remove(key);
            }
            telemetry.Saved(activity, touched ? SessionTelemetry.Outcomes.Touched : SessionTelemetry.Outcomes.Conflict, 0, Stopwatch.GetElapsedTime(started));
            return touched;
        }
        catch (SessionStoreUnavailableException ex)
        {
            telemetry.Failed(activity, ex);
            throw;
        }
    }

    [LoggerMessage(100, LogLevel.Warning, "Gave up saving session {SessionTag} after {Attempts} conflicting attempts")]
    private static partial void LogGaveUp(ILogger logger, int attempts, string sessionTag);
}
