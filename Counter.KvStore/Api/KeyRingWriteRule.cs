using System.Text.RegularExpressions;
using Counter.KvStore.Storage;
using Counter.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>
/// What the web tier's credential may do to the Data Protection key ring: create entries, never
/// replace, extend or delete them (a stolen web credential can then neither swap a key nor erase the
/// ring; what it adds without the key-encryption key, web ignores), and only entries the ring itself
/// would hold: names of its own pattern (<see cref="NamePattern"/>), values of at most
/// <see cref="MaxValueBytes"/>, and no more than <see cref="MaxEntries"/> in all, so that planted
/// entries cannot make the ring too slow to load. Applies to single-key writes and to each put of a
/// batch; the operations credential is not bound by it.
/// </summary>
public static partial class KeyRingWriteRule
{
    /// <summary>The most entries the web tier may make the ring hold (a real ring adds a key every ~90 days).</summary>
    public const int MaxEntries = 1000;

    /// <summary>The largest key-ring value the web tier may write, in bytes (a sealed key is about 2 KB).</summary>
    public const int MaxValueBytes = 16 * 1024;

    /// <summary>The names web's repository writes, readably, for the refusal.</summary>
    private const string NamePattern = "dataprotection:[sealed:]key-<guid>, dataprotection:[sealed:]revocation-<guid> or dataprotection:[sealed:]revocation-<yyyyMMddTHHmmss[fraction]Z>";

    private static readonly object WebTierMarker = new();

    /// <summary>Marks the request as made with the web tier's credential (<see cref="CredentialMiddleware"/>).</summary>
    public static void MarkWebTier(HttpContext context) => context.Items[WebTierMarker] = true;

    /// <summary>
    /// A 403 when the web tier writes a key-ring key other than create-only or by a name the ring does
    /// not use, a 413 when its value (if known yet) is over <see cref="MaxValueBytes"/>; otherwise null.
    /// </summary>
    public static ProblemHttpResult? Check(HttpContext context, string key, WriteCondition? put, int? valueBytes = null)
    {
        if (!AppliesTo(context, key))
        {
            return null;
        }
        if (put is not { IfNoneMatch: true })
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "Forbidden",
                $"'{key}' is in the Data Protection key ring: the web tier's credential may only create such keys (PUT with If-None-Match: *), never replace, touch or delete them.");
        }
        if (!IsRingName(key))
        {
            return Problems.Create(StatusCodes.Status403Forbidden, "Forbidden",
                $"'{key}' is not a name the Data Protection key ring uses: the web tier's credential may create only {NamePattern}.");
        }
        return valueBytes > MaxValueBytes
            ? Problems.Create(StatusCodes.Status413PayloadTooLarge, "Payload too large",
                $"A key-ring value from the web tier may be at most {MaxValueBytes} bytes; this one is {valueBytes}.")
            : null;
    }

    /// <summary>
    /// A 403 when creating <paramref name="keys"/> (those of them in the ring, written by the web tier)
    /// would make the ring hold more than <see cref="MaxEntries"/>; otherwise null. Counts the ring,
    /// which on Redis scans as a listing of it does; web itself creates a key-ring entry every few months.
    /// </summary>
    public static async Task<ProblemHttpResult?> CheckRoomAsync(HttpContext context, IEnumerable<string> keys, IKeyValueStorage storage, CancellationToken cancellationToken)
    {
        var creating = keys.Count(k => AppliesTo(context, k));
        if (creating == 0)
        {
            return null;
        }
        var held = await storage.CountAsync(StoreKeyPrefixes.KeyRing, cancellationToken);
        return held + creating > MaxEntries
            ? Problems.Create(StatusCodes.Status403Forbidden, "Forbidden",
                $"The Data Protection key ring holds {held} entries; the web tier's credential may make it hold at most {MaxEntries}. " +
                "A real ring is far smaller: look at what is stored under 'dataprotection:' (with the operations credential) and remove what web did not write.")
            : null;
    }

    /// <summary>True for the names web's key-ring repository writes (<see cref="NamePattern"/>).</summary>
    public static bool IsRingName(string key) => RingName().IsMatch(key);

    private static bool AppliesTo(HttpContext context, string key) =>
        context.Items.ContainsKey(WebTierMarker) && key.StartsWith(StoreKeyPrefixes.KeyRing, StringComparison.Ordinal);

    private const string Guid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    // Data Protection's friendly names: "key-{id:D}", "revocation-{id:D}" and "revocation-{date:yyyyMMddTHHmmssFFFFFFFZ}".
    [GeneratedRegex(@"\A" + StoreKeyPrefixes.KeyRing + "(sealed:)?(key-" + Guid + "|revocation-(" + Guid + @"|[0-9]{8}T[0-9]{6}[0-9]{0,7}Z))\z", RegexOptions.CultureInvariant)]
    private static partial Regex RingName();
}
