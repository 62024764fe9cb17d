using System.Diagnostics;
using System.Diagnostics.Metrics;
using Counter.ServiceDefaults.Timing;

namespace Counter.Web.Sessions;

/// <summary>
/// The session layer's spans ("session load", "session save") and metrics. Spans carry the
/// outcome, the size and a non-reversible tag of the storage key, never the identifier itself;
/// metric tags use the same namespaced names (<c>session.outcome</c>, <c>session.source</c>), and a
/// failure carries OpenTelemetry's <c>error.type</c>.
/// </summary>
public sealed class SessionTelemetry
{
    public const string SourceName = "Counter.Web.Sessions";
    private static readonly ActivitySource ActivitySource = new(SourceName);

    public static class Instruments
    {
        public const string Loads = "counter.session.loads";
        public const string Saves = "counter.session.saves";
        public const string Conflicts = "counter.session.conflicts";
        public const string Errors = "counter.session.errors";
        public const string DuplicateCookies = "counter.session.duplicate_cookies";
        public const string LoadDuration = "counter.session.load.duration";
        public const string SaveDuration = "counter.session.save.duration";
    }

    public static class Outcomes
    {
        public const string Hit = "hit";
        public const string Miss = "miss";
        public const string Saved = "saved";
        public const string Touched = "touched";
        public const string Conflict = "conflict";
        public const string Error = "error";
    }

    private readonly Counter<long> _loads;
    private readonly Counter<long> _saves;
    private readonly Counter<long> _conflicts;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _duplicateCookies;
    private readonly Histogram<double> _loadDuration;
    private readonly Histogram<double> _saveDuration;

    public SessionTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SourceName);
        _loads = meter.CreateCounter<long>(Instruments.Loads, "{load}", "Session loads by outcome (hit, miss)");
        _saves = meter.CreateCounter<long>(Instruments.Saves, "{save}", "Session saves by outcome (saved, touched, conflict)");
        _conflicts = meter.CreateCounter<long>(Instruments.Conflicts, "{conflict}", "Saves refused because another request changed the session first");
        _errors = meter.CreateCounter<long>(Instruments.Errors, "{error}", "Session operations that failed because the store was unavailable");
        _duplicateCookies = meter.CreateCounter<long>(Instruments.DuplicateCookies, "{request}", "Requests that carried the session cookie more than once (one was planted): none was trusted");
        _loadDuration = meter.CreateHistogram<double>(Instruments.LoadDuration, "s", "Time to load a session from the store");
        _saveDuration = meter.CreateHistogram<double>(Instruments.SaveDuration, "s", "Time to save or touch a session in the store");
    }

    public static Activity? StartLoad(string tag) => Start("session load", tag);

    public static Activity? StartSave(string tag) => Start("session save", tag);

    public void Loaded(Activity? activity, string outcome, SessionSource from, int bytes, TimeSpan elapsed)
    {
        var source = Label(from);
        Finish(activity, outcome, bytes);
        activity?.SetTag("session.source", source);
        ServerTimings.Current?.Add("session-load", elapsed);
        var tags = new TagList { { "session.outcome", outcome }, { "session.source", source } };
        _loads.Add(1, tags);
        if (from == SessionSource.Store)
        {
            _loadDuration.Record(elapsed.TotalSeconds, Outcome(outcome));
        }
    }

    public void Saved(Activity? activity, string outcome, int bytes, TimeSpan elapsed)
    {
        Finish(activity, outcome, bytes);
        ServerTimings.Current?.Add("session-save", elapsed);
        _saves.Add(1, Outcome(outcome));
        _saveDuration.Record(elapsed.TotalSeconds, Outcome(outcome));
        if (outcome == Outcomes.Conflict)
        {
            _conflicts.Add(1);
        }
    }

    /// <summary>A load or save the store could not serve: the span and the count carry <c>error.type</c>, the exception's type.</summary>
    public void Failed(Activity? activity, Exception exception)
    {
        var errorType = exception.GetType().FullName;
        activity?.SetTag("session.outcome", Outcomes.Error);
        activity?.SetTag("error.type", errorType);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        _errors.Add(1, new KeyValuePair<string, object?>("error.type", errorType));
    }

    /// <summary>A request carried the session cookie more than once; it got a fresh session.</summary>
    public void DuplicateCookie() => _duplicateCookies.Add(1);

    private static Activity? Start(string name, string tag)
    {
        var activity = ActivitySource.StartActivity(name, ActivityKind.Internal);
        activity?.SetTag("session.tag", tag);
        return activity;
    }

    private static void Finish(Activity? activity, string outcome, int bytes)
    {
        activity?.SetTag("session.outcome", outcome);
        activity?.SetTag("session.bytes", bytes);
    }

    private static KeyValuePair<string, object?> Outcome(string outcome) => new("session.outcome", outcome);

    /// <summary>The span attribute and metric tag "session.source".</summary>
    private static string Label(SessionSource from) => from switch
    {
        SessionSource.Cache => "cache",
        SessionSource.Conflict => "conflict",
        _ => "store",
    };
}
