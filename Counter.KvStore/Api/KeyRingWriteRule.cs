using Counter.KvStore.Storage;
using Counter.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>
/// The web tier's credential may add Data Protection key-ring entries but never replace, extend or
/// delete them: a stolen web credential can then neither swap a key nor erase the ring (what it adds
/// without the key-encryption key, web ignores). Applies to single-key writes and to each put of a
/// batch; the operations credential is not bound by it.
/// </summary>
public static class KeyRingWriteRule
{
    /// <summary>The most entries the web tier may make the ring hold (a real ring adds a key every ~90 days).</summary>
    public const int MaxEntries = 1000;

    /// <summary>The largest key-ring value the web tier may write, in bytes (a sealed key is about 2 KB).</summary>
    public const int MaxValueBytes = 16 * 1024;

    private static readonly object WebTierMarker = new();

    /// <summary>Marks the request as made with the web tier's credential (<see cref="CredentialMiddleware"/>).</summary>
    public static void MarkWebTier(HttpContext context) => context.Items[WebTierMarker] = true;

    /// <summary>A 403 when the web tier writes a key-ring key other than create-only; otherwise null.</summary>
    public static ProblemHttpResult? Check(HttpContext context, string key, WriteCondition? put) =>
        context.Items.ContainsKey(WebTierMarker) && key.StartsWith(StoreKeyPrefixes.KeyRing, StringComparison.Ordinal) && put is not { IfNoneMatch: true }
            ? Problems.Create(StatusCodes.Status403Forbidden, "Forbidden",
                $"'{key}' is in the Data Protection key ring: the web tier's credential may only create such keys (PUT with If-None-Match: *), never replace, touch or delete them.")
            : null;
}
