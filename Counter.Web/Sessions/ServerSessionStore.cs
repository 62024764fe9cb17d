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
/// only conflicting requests pay more.
///
/// No fixation: an identifier is adopted only if the store holds a live session for it; anything
/// else (unknown, expired, malformed, forged) gets a fresh identifier.
/// </summary>
public sealed partial class ServerSessionStore(
    KvStoreClient store,
    SessionIdentifiers identifiers,
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
        if (!SessionIdentifiers.IsWellFormed(identifier))
        {
            identifier = null;
        }

        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var key = identifier is null ? null : identifiers.StorageKey(identifier);
            var (record, etag) = key is null ? (null, null) : await LoadAsync(key, now, cancellationToken);
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
                if (await TouchAsync(key!, record, now, cancellationToken))
                {
                    return data;
                }
            }
            else if (await SaveAsync(key!, record with { Seen = now, Data = data }, etag, now, cancellationToken))
            {
                if (issued)
                {
                    context.Response.Cookies.Append(_options.CookieName, identifier!, SessionCookie.Options(context, _options.AbsoluteLifetime));
                }
                return data;
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
        var (record, _) = await LoadAsync(key, now, cancellationToken);
        if (record is null)
        {
            return new SessionData();
        }
        await TouchAsync(key, record, now, cancellationToken);
        return record.Data;
    }

    public async Task DestroyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var identifier = context.Request.Cookies[_options.CookieName];
        if (SessionIdentifiers.IsWellFormed(identifier))
        {
            await store.DeleteAsync(identifiers.StorageKey(identifier!), cancellationToken);
        }
        SessionCookie.Delete(context, _options);
    }

    private async Task<(SessionRecord? Record, string? ETag)> LoadAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = SessionTelemetry.StartLoad(SessionIdentifiers.Tag(key));
        var started = Stopwatch.GetTimestamp();
        try
        {
            var stored = await store.GetAsync(key, cancellationToken);
            var record = stored is null ? null : SessionRecord.TryParse(stored.Value);
            // The store's TTL enforces idle expiry; the absolute lifetime is checked here too.
            if (record is not null && !record.IsWithinLifetime(now, _options))
            {
                record = null;
            }
            telemetry.Loaded(activity, record is null ? SessionTelemetry.Outcomes.Miss : SessionTelemetry.Outcomes.Hit,
                stored?.Value.Length ?? 0, Stopwatch.GetElapsedTime(started));
            return (record, record is null ? null : stored!.ETag);
        }
        catch (SessionStoreUnavailableException ex)
        {
            telemetry.Failed(activity, ex);
            throw;
        }
    }

    private async Task<bool> SaveAsync(string key, SessionRecord record, string? etag, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = SessionTelemetry.StartSave(SessionIdentifiers.Tag(key));
        var started = Stopwatch.GetTimestamp();
        var bytes = record.Serialize();
        try
        {
            var saved = await store.PutIfAsync(key, bytes, etag, record.TimeToLive(now, _options), cancellationToken) is not null;
            telemetry.Saved(activity, saved ? SessionTelemetry.Outcomes.Saved : SessionTelemetry.Outcomes.Conflict, bytes.Length, Stopwatch.GetElapsedTime(started));
            return saved;
        }
        catch (SessionStoreUnavailableException ex)
        {
            telemetry.Failed(activity, ex);
            throw;
        }
    }

    private async Task<bool> TouchAsync(string key, SessionRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var activity = SessionTelemetry.StartSave(SessionIdentifiers.Tag(key));
        var started = Stopwatch.GetTimestamp();
        try
        {
            var touched = await store.TouchAsync(key, record.TimeToLive(now, _options), cancellationToken);
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
