using System.ComponentModel.DataAnnotations;

namespace Counter.Web.RateLimits;

/// <summary>
/// Per-client bounds (a client is an IPv4 address or an IPv6 /64), so one client cannot take the
/// store's writer or the page threads from everyone else. Generous by default: a person clicking
/// never meets them. Bound from the "RateLimit" section.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimit";

    /// <summary>The fixed window both limits count in.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Page requests (counter, Reset, About, count) one client may make per window.</summary>
    [Range(1, int.MaxValue)]
    public int PagesPerWindow { get; set; } = 600;

    /// <summary>
    /// New sessions one client may start per window: each costs a store write (server-side mode) and
    /// lives until it expires, so a client that drops its cookie on every request is held to this.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int NewSessionsPerWindow { get; set; } = 60;
}
