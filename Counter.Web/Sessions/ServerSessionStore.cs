using System.Diagnostics;
using Counter.Web.KvClient;
using Counter.Web.RateLimits;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// Server-side sessions: the cookie holds a random identifier, the data lives in the KV store
/// under a keyed hash of it.
///
/// No lost update: every save is a compare-and-set on the version read (If-Match), or a
/// create-only write (If-None-Match: *) for a new session. When another request saved first the
/// store answers 412 with the winner's value, and this request re-applies its change to that and
/// tries again at once. The guarantee lives in the store, so it holds across any number of web
/// replicas. Each replica lets one request of a session at a time through (<see cref="SessionGate"/>),
/// so a conflict always means another replica's request succeeded: retries make progress, and there
/// is nothing for a pause to spread out. A request costs one load and at most one save (or one touch when
/// nothing changed); only conflicting requests pay more. The load is usually free: this replica's
/// <see cref="SessionCache"/> remembers the version it last saved, and the If-Match on the save
/// validates it, so a returning user's page load is a single store round trip.
///
/// No fixation: an identifier is adopted only if the store holds a live session for it; anything
/// else (unknown, expired, malformed, forged) gets a fresh identifier.
/// </summary>
public sealed partial class ServerSessionStore(
    KvStoreClient store,
    SessionIdentifiers identifiers,
    SessionCache cache,
    SessionGate gate,
    SessionTelemetry telemetry,
    NewSessionLimiter newSessions,
    IOptions<SessionOptions> options,
    TimeProvider time,
    ILogger<ServerSessionStore> logger) : ISessionStore
{
    private readonly SessionOptions _options = options.Value;

    public Task<SessionData> UpdateAsync(HttpContext context, Action<SessionData> change, CancellationToken cancellationToken) =>
        WithinDeadlineAsync(deadline => UpdateWithinAsync(context, change, deadline), cancellationToken);

    private async Task<SessionData> UpdateWithinAsync(HttpContext context, Action<SessionData> change, CancellationToken cancellationToken)
    {
        // 1. Which session: the cookie's identifier and its storage key (a new one is issued below
        //    only when the store holds no live session for it).
        var (session, duplicated) = await ResolveAsync(context, cancellationToken);
        // This replica's requests of one session go one at a time (see SessionGate); the wait counts
        // against the deadline.
        using var turn = session is null ? null : await gate.EnterAsync(session.StorageKey, cancellationToken);
        // 2. Its value, from the cheapest place that has it (null: read the store).
        Loaded? loaded = session is null ? Loaded.Absent : await LoadAsync(session, useCache: true, cancellationToken);
        // 3. Apply the change and compare-and-set it until it lands.
        for (var conflicts = 0; ;)
        {
            loaded ??= await LoadAsync(session!, useCache: false, cancellationToken);
            var now = time.GetUtcNow();
            if (loaded.Record is null && session is not { IsNew: true })
            {
                session = Issue(context, duplicated); // Never adopt an identifier the store does not know.
            }
            var current = loaded.Record ?? new SessionRecord(now, now, new SessionData());
            var data = current.Data.Clone();
            change(data);

            if (loaded.Record is not null && data.SameAs(current.Data))
            {
                if (loaded.From == SessionSource.Cache)
                {
                    // A touch does not check the version, so a cached value is confirmed by a read first.
                    loaded = null;
                    continue;
                }
                if (await TouchAsync(session!, current, loaded.ETag!, now, cancellationToken))
                {
                    return data;
                }
                loaded = null; // Gone since it was read: read again.
            }
            else
            {
                var result = await SaveAsync(session!, current with { Seen = now, Data = data }, loaded.ETag, now, cancellationToken);
                if (result.Written)
                {
                    if (session!.IsNew)
                    {
                        SessionCookie.Write(context, _options, session.Identifier, _options.AbsoluteLifetime);
                    }
                    return data;
                }
                var wasCached = loaded.From == SessionSource.Cache;
                // The winner's value came back with the 412 (usual): retry on it. A 412 without it
                // says only that the version moved on: read the key again, never take it for gone.
                loaded = result.Current is null ? null : Winner(session!, result, now);
                if (wasCached)
                {
                    // The cached version was stale (another replica, an expiry or a reset got there
                    // first): not a race with a live competitor, so retry at once with the winner's value.
                    continue;
                }
            }

            if (++conflicts >= _options.MaxConflictRetries)
            {
                LogGaveUp(logger, conflicts, session!.Tag);
                throw new SessionUnavailableException($"The session changed under {conflicts} attempts in a row; try again.");
            }
        }
    }

    public Task<SessionData> ReadAsync(HttpContext context, CancellationToken cancellationToken) =>
        WithinDeadlineAsync(async deadline =>
        {
            if ((await ResolveAsync(context, deadline)).Session is not { } session)
            {
                return new SessionData();
            }
            var loaded = await LoadAsync(session, useCache: false, deadline);
            if (loaded.Record is null)
            {
                return new SessionData();
            }
            await TouchAsync(session, loaded.Record, loaded.ETag!, time.GetUtcNow(), deadline);
            return loaded.Record.Data;
        }, cancellationToken);

    public async Task DestroyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        await WithinDeadlineAsync(async deadline =>
        {
            if ((await ResolveAsync(context, deadline)).Session is { } session)
            {
                cache.Remove(session.StorageKey);
                // A delete has no span of its own (the store's span shows it), but fails like the others.
                await InSpanAsync(static _ => null, tag: "", async (_, _) =>
                {
                    await store.DeleteAsync(session.StorageKey, deadline);
                    return true;
                });
            }
            return true;
        }, cancellationToken);
        SessionCookie.Delete(context, _options);
    }

    /// <summary>
    /// One deadline around a request's whole session work (its turn at the gate, every store call and
    /// retry), so a slow or failing store gets the page a 503 within <see cref="SessionOptions.RequestDeadline"/>
    /// wherever the time goes. The request's own token still cancels it (the client went away).
    /// </summary>
    private async Task<T> WithinDeadlineAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken requestAborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(_options.RequestDeadline);
        try
        {
            return await work(deadline.Token);
        }
        catch (OperationCanceledException ex) when (!requestAborted.IsCancellationRequested)
        {
            throw new SessionUnavailableException($"The session store did not finish within the request's {_options.RequestDeadline.TotalSeconds:0.#} s deadline.", ex);
        }
    }

    /// <summary>
    /// The session the request's cookie names, if the cookie could be one of our identifiers (it is
    /// adopted only once the store shows it live), and whether the cookie came more than once. Of
    /// several values (one planted beside ours), the one that names a live session is kept, so cookie
    /// tossing neither resets the user's session nor forces a fresh one on every load; when more than
    /// one is live (the planter's own session beside the user's) none is trusted.
    /// </summary>
    private async Task<(SessionKey? Session, bool Duplicated)> ResolveAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var cookie = SessionCookie.Read(context, _options, telemetry);
        var candidates = cookie.Values.Where(SessionIdentifiers.IsWellFormed)
            .Select(identifier => new SessionKey(identifier, identifiers.StorageKey(identifier), IsNew: false)).ToList();
        if (candidates.Count <= 1)
        {
            return (candidates.FirstOrDefault(), cookie.Duplicated);
        }
        SessionKey? live = null;
        foreach (var candidate in candidates)
        {
            if ((await LoadAsync(candidate, useCache: true, cancellationToken)).Record is null)
            {
                continue;
            }
            if (live is not null)
            {
                return (null, true);
            }
            live = candidate;
        }
        return (live, true);
    }

    /// <summary>A fresh identifier, counted against the client's new-session limit (see NewSessionLimiter for a duplicated cookie).</summary>
    private SessionKey Issue(HttpContext context, bool duplicatedCookie)
    {
        newSessions.Admit(context, plantedCookie: duplicatedCookie);
        var identifier = SessionIdentifiers.NewIdentifier();
        return new SessionKey(identifier, identifiers.StorageKey(identifier), IsNew: true);
    }

    /// <summary>
    /// The session's record and version: from this replica's cache when allowed (the save's If-Match
    /// validates it), else a GET to the store. Record is null when there is no live session.
    /// </summary>
    private Task<Loaded> LoadAsync(SessionKey session, bool useCache, CancellationToken cancellationToken) =>
        InSpanAsync(SessionTelemetry.StartLoad, session.Tag, async (activity, started) =>
        {
            if (useCache && cache.TryGet(session.StorageKey, out var cached, out var cachedETag) && cached.IsWithinLifetime(time.GetUtcNow(), _options))
            {
                telemetry.Loaded(activity, SessionTelemetry.Outcomes.Hit, SessionSource.Cache, 0, Stopwatch.GetElapsedTime(started));
                return new Loaded(cached, cachedETag, SessionSource.Cache);
            }
            var stored = await store.GetAsync(session.StorageKey, cancellationToken);
            return Finish(activity, stored, SessionSource.Store, time.GetUtcNow(), started);
        });

    /// <summary>The value a refused write sent back: the write that won, at no extra store call.</summary>
    private Loaded Winner(SessionKey session, PutResult refused, DateTimeOffset now)
    {
        using var activity = SessionTelemetry.StartLoad(session.Tag);
        return Finish(activity, refused.Current, SessionSource.Conflict, now, Stopwatch.GetTimestamp());
    }

    private Loaded Finish(Activity? activity, VersionedValue? stored, SessionSource from, DateTimeOffset now, long started)
    {
        var record = stored is null ? null : SessionRecord.TryParse(stored.Value);
        // The store's TTL enforces idle expiry; the absolute lifetime is checked here too.
        if (record is not null && !record.IsWithinLifetime(now, _options))
        {
            record = null;
        }
        telemetry.Loaded(activity, record is null ? SessionTelemetry.Outcomes.Miss : SessionTelemetry.Outcomes.Hit, from,
            stored?.Value.Length ?? 0, Stopwatch.GetElapsedTime(started));
        return record is null ? Loaded.Absent with { From = from } : new Loaded(record, stored!.ETag, from);
    }

    private Task<PutResult> SaveAsync(SessionKey session, SessionRecord record, string? etag, DateTimeOffset now, CancellationToken cancellationToken) =>
        InSpanAsync(SessionTelemetry.StartSave, session.Tag, async (activity, started) =>
        {
            var bytes = record.Serialize();
            PutResult result;
            try
            {
                result = await store.PutIfAsync(session.StorageKey, bytes, etag, record.TimeToLive(now, _options), cancellationToken);
            }
            catch (KvStoreValueTooLargeException ex)
            {
                telemetry.Failed(activity, ex);
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
            telemetry.Saved(activity, result.Written ? SessionTelemetry.Outcomes.Saved : SessionTelemetry.Outcomes.Conflict, bytes.Length, Stopwatch.GetElapsedTime(started));
            return result;
        });

    private Task<bool> TouchAsync(SessionKey session, SessionRecord record, string etag, DateTimeOffset now, CancellationToken cancellationToken) =>
        InSpanAsync(SessionTelemetry.StartSave, session.Tag, async (activity, started) =>
        {
            var touched = await store.TouchAsync(session.StorageKey, record.TimeToLive(now, _options), cancellationToken);
            if (touched)
            {
                cache.Set(session.StorageKey, record, etag); // A touch keeps the version: the record is still current.
            }
            else
            {
                cache.Remove(session.StorageKey);
            }
            telemetry.Saved(activity, touched ? SessionTelemetry.Outcomes.Touched : SessionTelemetry.Outcomes.Conflict, 0, Stopwatch.GetElapsedTime(started));
            return touched;
        });

    /// <summary>
    /// One session load or save in its span: <paramref name="call"/> gets the span and its start
    /// timestamp to record its outcome; a store that does not answer ends the span as failed and
    /// becomes the session layer's unavailable (503). The span starts here, inside this async
    /// method, so that it is the current activity only until the call ends: started by the caller,
    /// it would stay current there and parent the request's next span.
    /// </summary>
    private async Task<T> InSpanAsync<T>(Func<string, Activity?> startSpan, string tag, Func<Activity?, long, Task<T>> call)
    {
        using (var activity = startSpan(tag))
        {
            try
            {
                return await call(activity, Stopwatch.GetTimestamp());
            }
            catch (KvStoreUnavailableException ex)
            {
                telemetry.Failed(activity, ex);
                throw new SessionUnavailableException(ex.Message, ex);
            }
        }
    }

    /// <summary>The session a request works on; <see cref="IsNew"/> when this request issued it (its cookie is set on save).</summary>
    private sealed record SessionKey(string Identifier, string StorageKey, bool IsNew)
    {
        public string Tag => SessionIdentifiers.Tag(StorageKey);
    }

    /// <summary>A loaded session (Record null when there is none), its version, and where it came from.</summary>
    private sealed record Loaded(SessionRecord? Record, string? ETag, SessionSource From)
    {
        public static Loaded Absent { get; } = new(null, null, SessionSource.Store);
    }

    [LoggerMessage(100, LogLevel.Warning, "Gave up saving session {SessionTag} after {Attempts} conflicting attempts")]
    private static partial void LogGaveUp(ILogger logger, int attempts, string sessionTag);
}
