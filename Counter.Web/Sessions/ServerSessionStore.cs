using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// Server-side sessions: the cookie holds a random identifier (<see cref="SessionResolver"/>), the data
/// lives in the KV store under a keyed hash of it (<see cref="ISessionRecords"/>, whose spans and
/// failure mapping wrap the store calls).
///
/// No lost update: every save is a compare-and-set on the version read (If-Match), or a
/// create-only write (If-None-Match: *) for a new session. When another request saved first the
/// store answers 412 with the winner's value, and this request re-applies its change to that and
/// tries again at once. The guarantee lives in the store, so it holds across any number of web
/// replicas. Each replica lets one request of a session at a time through (<see cref="SessionGate"/>),
/// so a conflict always means another replica's request succeeded: retries make progress, and there
/// is nothing for a pause to spread out. A request costs one load and at most one save (or one touch when
/// nothing changed); only conflicting requests pay more. The load is usually free: this replica's
/// <see cref="SessionCache"/> remembers the version it last saved, and the save's version check
/// validates it, so a returning user's page load is a single store round trip.
/// </summary>
public sealed partial class ServerSessionStore(
    SessionResolver resolver,
    ISessionRecords records,
    SessionGate gate,
    IOptions<SessionOptions> options,
    ILogger<ServerSessionStore> logger) : ISessionStore
{
    private readonly SessionOptions _options = options.Value;

    public Task<SessionData> UpdateAsync(HttpContext context, Action<SessionData> change, CancellationToken cancellationToken) =>
        WithinDeadlineAsync(deadline => UpdateWithinAsync(context, change, deadline), cancellationToken);

    private async Task<SessionData> UpdateWithinAsync(HttpContext context, Action<SessionData> change, CancellationToken cancellationToken)
    {
        // 1. Which session: the cookie's, if it names one (a fresh one is issued below only when the
        //    store holds no live session for it).
        var (session, duplicated) = await resolver.ResolveAsync(context, cancellationToken);
        // This replica's requests of one session go one at a time (see SessionGate); the wait counts
        // against the deadline.
        using var turn = session is null ? null : await gate.EnterAsync(session.StorageKey.Value, cancellationToken);
        // 2. Its value, from the cheapest place that has it (null: read the store).
        LoadedSession? loaded = session is null ? LoadedSession.Absent : await records.LoadAsync(session.StorageKey, useCache: true, cancellationToken);
        // 3. Apply the change and compare-and-set it until it lands.
        for (var conflicts = 0; ;)
        {
            loaded ??= await records.LoadAsync(session!.StorageKey, useCache: false, cancellationToken);
            if (session is null || (loaded.Record is null && !session.IsNew))
            {
                session = resolver.Issue(context, duplicated); // Never adopt an identifier the store does not know.
            }
            var data = loaded.Record?.Data.Clone() ?? new SessionData();
            change(data);

            // A stale cached version (another replica, an expiry or a reset got there first) is no race
            // with a live competitor: the retry on fresh data does not count as a conflict.
            var fromCache = loaded.From == SessionSource.Cache;
            if (loaded.Record is not null && data.SameAs(loaded.Record.Data))
            {
                // A touch does not check the version, so a cached value is confirmed by a read first.
                if (!fromCache && await records.TouchAsync(session.StorageKey, loaded.Record, loaded.Version!, cancellationToken))
                {
                    return data;
                }
                loaded = null; // From the cache, or gone since it was read: read it.
            }
            else
            {
                var saved = await records.SaveAsync(session.StorageKey, loaded.Record, data, loaded.Version, cancellationToken);
                if (saved.Written)
                {
                    resolver.Established(context, session);
                    return data;
                }
                // The winner's value came back with the 412 (usual): retry on it. A 412 without it
                // says only that the version moved on: read the key again, never take it for gone.
                loaded = saved.Result.Current is { } winner ? records.Winner(session.StorageKey, winner) : null;
            }

            if (!fromCache && ++conflicts >= _options.MaxConflictRetries)
            {
                LogGaveUp(logger, conflicts, session.StorageKey.Tag);
                throw new SessionUnavailableException($"The session changed under {conflicts} attempts in a row; try again.");
            }
        }
    }

    public Task<SessionData> ReadAsync(HttpContext context, CancellationToken cancellationToken) =>
        WithinDeadlineAsync(async deadline =>
        {
            if ((await resolver.ResolveAsync(context, deadline)).Session is not { } session
                || await records.LoadAsync(session.StorageKey, useCache: false, deadline) is not { Record: { } record } loaded)
            {
                return new SessionData();
            }
            await records.TouchAsync(session.StorageKey, record, loaded.Version!, deadline);
            return record.Data;
        }, cancellationToken);

    public async Task DestroyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        await WithinDeadlineAsync(async deadline =>
        {
            if ((await resolver.ResolveAsync(context, deadline)).Session is { } session)
            {
                await records.DeleteAsync(session.StorageKey, deadline);
            }
            return true;
        }, cancellationToken);
        resolver.Forget(context);
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

    [LoggerMessage(100, LogLevel.Warning, "Gave up saving session {SessionTag} after {Attempts} conflicting attempts")]
    private static partial void LogGaveUp(ILogger logger, int attempts, string sessionTag);
}
