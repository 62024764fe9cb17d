using System.Text.Json;

namespace Counter.Web.Sessions;

/// <summary>
/// What is persisted for one session, in the KV store (server-side mode) or inside the protected
/// cookie (cookie mode). Serialized format, revision 1:
///   {"v":1,"created":1764446000000,"seen":1764446300000,"data":{"count":3}}
///   v        format revision; a reader that meets another revision treats the session as absent
///   created  Unix ms when the session began (drives the absolute lifetime)
///   seen     Unix ms of the last save (drives idle expiry in cookie mode; the store's TTL does it server-side)
///   data     the session's values
/// </summary>
public sealed record SessionRecord(DateTimeOffset Created, DateTimeOffset Seen, SessionData Data)
{
    public const int Revision = 1;

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Revision);
            writer.WriteNumber("created", Created.ToUnixTimeMilliseconds());
            writer.WriteNumber("seen", Seen.ToUnixTimeMilliseconds());
            writer.WritePropertyName("data");
            Data.Values.WriteTo(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>Null for anything that is not a revision-1 record: a foreign or damaged value is never trusted.</summary>
    public static SessionRecord? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var revision) || revision != Revision
                || !root.TryGetProperty("created", out var created) || created.ValueKind != JsonValueKind.Number || !created.TryGetInt64(out var createdMs)
                || !root.TryGetProperty("seen", out var seen) || seen.ValueKind != JsonValueKind.Number || !seen.TryGetInt64(out var seenMs)
                || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            return new SessionRecord(
                DateTimeOffset.FromUnixTimeMilliseconds(createdMs),
                DateTimeOffset.FromUnixTimeMilliseconds(seenMs),
                SessionData.From(data));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Whether the session is still within its absolute lifetime at <paramref name="now"/>.</summary>
    public bool IsWithinLifetime(DateTimeOffset now, SessionOptions options) => now < Created + options.AbsoluteLifetime;

    /// <summary>Whether the session was used within the idle timeout (cookie mode; the store's TTL does this server-side).</summary>
    public bool IsIdleExpired(DateTimeOffset now, SessionOptions options) => now >= Seen + options.IdleTimeout;

    /// <summary>How long the saved session may live: the idle timeout, cut short by the absolute lifetime.</summary>
    public TimeSpan TimeToLive(DateTimeOffset now, SessionOptions options)
    {
        var remaining = Created + options.AbsoluteLifetime - now;
        return remaining < options.IdleTimeout ? remaining : options.IdleTimeout;
    }
}
