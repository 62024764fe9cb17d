using System.Text.Json;
using System.Text.Json.Nodes;

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

    /// <summary>
    /// Null for anything that is not a revision-1 record: a foreign or damaged value is never trusted.
    /// Parsed once: the record's "data" object becomes the session's values as it is.
    /// </summary>
    public static SessionRecord? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
            if (JsonNode.Parse(ref reader) is not JsonObject root
                || !Number(root, "v", out var revision) || revision != Revision
                || !Number(root, "created", out var createdMs)
                || !Number(root, "seen", out var seenMs)
                || root["data"] is not JsonObject data)
            {
                return null;
            }
            root.Remove("data"); // A node has one parent: the session's values take it over.
            return new SessionRecord(
                DateTimeOffset.FromUnixTimeMilliseconds(createdMs),
                DateTimeOffset.FromUnixTimeMilliseconds(seenMs),
                SessionData.Of(data));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static bool Number(JsonObject record, string name, out long value)
    {
        value = 0;
        return record[name] is JsonValue node && node.GetValueKind() == JsonValueKind.Number && node.TryGetValue(out value);
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
