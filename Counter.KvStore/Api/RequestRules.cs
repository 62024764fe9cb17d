using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Counter.KvStore.Storage;
using Microsoft.Net.Http.Headers;

namespace Counter.KvStore.Api;

/// <summary>
/// The request rules the /v1 endpoints share, whether a value arrives as a header (a single PUT) or
/// as a field of a batch item: write conditions, expiry, and the ETag format of versions.
/// </summary>
public static class RequestRules
{
    public static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(365);

    /// <summary>A version as the strong ETag the store issues ("42"), in headers and batch results alike.</summary>
    public static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>RFC 7240 "Prefer: return=representation": the caller wants the current value on a 412.</summary>
    public static bool WantsRepresentation(HttpRequest request) =>
        request.Headers["Prefer"].Any(p => p is not null && p.Contains("return=representation", StringComparison.OrdinalIgnoreCase));

    /// <summary>The request's If-Match / If-None-Match headers as a write condition.</summary>
    public static bool TryParseCondition(HttpRequest request, out WriteCondition condition, [NotNullWhen(false)] out string? error) =>
        TryParseCondition(request.Headers.IfMatch.ToString(), request.Headers.IfNoneMatch.ToString(), out condition, out error);

    /// <summary>If-Match / If-None-Match values (empty when absent), as in headers or a batch item.</summary>
    public static bool TryParseCondition(string ifMatch, string ifNoneMatch, out WriteCondition condition, [NotNullWhen(false)] out string? error)
    {
        condition = WriteCondition.None;
        error = null;
        if (ifMatch.Length > 0 && ifNoneMatch.Length > 0)
        {
            error = "Send If-Match or If-None-Match, not both.";
            return false;
        }
        if (ifNoneMatch.Length > 0)
        {
            if (ifNoneMatch.Trim() != "*")
            {
                error = "If-None-Match supports only '*' (create only).";
                return false;
            }
            condition = new WriteCondition(IfNoneMatch: true);
            return true;
        }
        if (ifMatch.Length > 0)
        {
            if (!EntityTagHeaderValue.TryParse(ifMatch, out var tag) || tag.IsWeak
                || !long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                error = "If-Match must be one strong ETag this store issued, such as \"42\".";
                return false;
            }
            condition = new WriteCondition(IfMatch: version);
        }
        return true;
    }

    /// <summary>A ttl in whole seconds (null when absent, which means no expiry).</summary>
    public static bool TryParseTimeToLive(string? ttl, out TimeSpan? timeToLive, [NotNullWhen(false)] out string? error)
    {
        timeToLive = null;
        error = null;
        if (ttl is null)
        {
            return true;
        }
        if (!int.TryParse(ttl, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > MaxTimeToLive.TotalSeconds)
        {
            error = $"ttl must be a whole number of seconds from 1 to {MaxTimeToLive.TotalSeconds}.";
            return false;
        }
        timeToLive = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
