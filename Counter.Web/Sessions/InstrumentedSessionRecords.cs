using System.Diagnostics;
using Counter.Web.KvStore;

namespace Counter.Web.Sessions;

/// <summary>
/// Wraps the session records with a span, an outcome and a duration per load and save ("session load",
/// "session save"; a touch is a save), and turns a store that does not answer into the session layer's
/// <see cref="SessionUnavailableException"/> (503). Each span starts inside its own async method, so it
/// is the current activity only until the call ends and parents just that call's store request.
/// </summary>
public sealed class InstrumentedSessionRecords(ISessionRecords inner, SessionTelemetry telemetry) : ISessionRecords
{
    public Task<LoadedSession> LoadAsync(StorageKey key, bool useCache, CancellationToken cancellationToken) =>
        RunAsync(SessionTelemetry.StartLoad, key, () => inner.LoadAsync(key, useCache, cancellationToken), Loaded);

    public LoadedSession Winner(StorageKey key, VersionedValue current)
    {
        using var activity = SessionTelemetry.StartLoad(key.Tag);
        var loaded = inner.Winner(key, current);
        Loaded(activity, loaded, TimeSpan.Zero);
        return loaded;
    }

    public Task<SavedSession> SaveAsync(StorageKey key, SessionRecord? current, SessionData data, string? version, CancellationToken cancellationToken) =>
        RunAsync(SessionTelemetry.StartSave, key, () => inner.SaveAsync(key, current, data, version, cancellationToken),
            (activity, saved, elapsed) => telemetry.Saved(activity, saved.Written ? SessionTelemetry.Outcomes.Saved : SessionTelemetry.Outcomes.Conflict, saved.Bytes, elapsed));

    public Task<bool> TouchAsync(StorageKey key, SessionRecord record, string version, CancellationToken cancellationToken) =>
        RunAsync(SessionTelemetry.StartSave, key, () => inner.TouchAsync(key, record, version, cancellationToken),
            (activity, touched, elapsed) => telemetry.Saved(activity, touched ? SessionTelemetry.Outcomes.Touched : SessionTelemetry.Outcomes.Conflict, 0, elapsed));

    /// <summary>A delete has no span of its own (the store client's span shows it), but fails like the others.</summary>
    public Task DeleteAsync(StorageKey key, CancellationToken cancellationToken) =>
        RunAsync(static _ => null, key, async () =>
        {
            await inner.DeleteAsync(key, cancellationToken);
            return true;
        }, static (_, _, _) => { });

    private void Loaded(Activity? activity, LoadedSession loaded, TimeSpan elapsed) =>
        telemetry.Loaded(activity, loaded.Record is null ? SessionTelemetry.Outcomes.Miss : SessionTelemetry.Outcomes.Hit, loaded.From, loaded.Bytes, elapsed);

    private async Task<T> RunAsync<T>(Func<string, Activity?> startSpan, StorageKey key, Func<Task<T>> call, Action<Activity?, T, TimeSpan> record)
    {
        using var activity = startSpan(key.Tag);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await call();
            record(activity, result, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (KvStoreUnavailableException ex)
        {
            telemetry.Failed(activity, ex);
            throw new SessionUnavailableException(ex.Message, ex);
        }
        catch (SessionTooLargeException ex)
        {
            telemetry.Failed(activity, ex.InnerException ?? ex); // The store's refusal names the failure, as for any store error.
            throw;
        }
    }
}
