using System.ComponentModel.DataAnnotations;

namespace Counter.Web.Sessions;

/// <summary>Where sessions live and how long they last. Bound from the "Session" section.</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Session";

    /// <summary>
    /// <see cref="SessionMode.ServerSide"/> (default): the cookie holds only an identifier and the data
    /// lives in the KV store. <see cref="SessionMode.Cookie"/>: the whole session travels in an encrypted,
    /// signed cookie and the server keeps nothing (the original's USE_SESSION_STORE=False).
    /// </summary>
    public SessionMode Mode { get; set; } = SessionMode.ServerSide;

    /// <summary>Name of the session cookie. "session", as in the original.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]+$")]
    public string CookieName { get; set; } = "session";

    /// <summary>A session unused this long is gone (sliding: each use restarts it).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>A session older than this is gone however busy it is; the cookie never outlives it.</summary>
    public TimeSpan AbsoluteLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Secret for the keyed hash that turns an identifier into its storage key, so a copy of the
    /// store yields no usable cookies. Server-side mode only; the AppHost generates it. At least 32 characters.
    /// </summary>
    public string? KeySecret { get; set; }

    /// <summary>
    /// Longest a request's whole session work may take: its turn behind other requests of the same
    /// session, every store call and every retry. Past it the page answers 503 with Retry-After, so a
    /// slow or failing store costs a visitor at most this (plus rendering) however the time is spent.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:01:00")]
    public TimeSpan RequestDeadline { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How many times one request retries its change when another replica saved the same session first
    /// (compare-and-set conflict), so one session's burst costs the store at most this many writes per
    /// request. Only other replicas conflict (a replica runs one request of a session at a time); 200
    /// parallel loads of one session over two replicas needed at most 20 (docs/sessions.md).
    /// </summary>
    [Range(1, 1000)]
    public int MaxConflictRetries { get; set; } = 32;

    /// <summary>
    /// Requests of one session that may wait for their turn on one web replica (<see cref="SessionGate"/>);
    /// past it the session's next request gets 429 at once. One session hammered by many clients then
    /// costs a bounded queue, and never slows another session (each has its own gate).
    /// </summary>
    [Range(1, 100_000)]
    public int MaxWaitersPerSession { get; set; } = 256;

    /// <summary>
    /// How many recently used sessions each web replica remembers (value and version), so a page load
    /// makes one store call (a compare-and-set write) instead of two. Never trusted without the
    /// store's version check; 0 turns it off and every load reads the store first.
    /// </summary>
    [Range(0, 10_000_000)]
    public int LocalCacheSize { get; set; } = 10_000;
}
