using System.Text;
using System.Text.Json;
using Counter.KvStore.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>
/// <c>POST /v1/batch</c>: several independent conditional puts in one HTTP call, so a busy client
/// (the web app coalescing the session saves of concurrent page loads) pays for one request, one
/// commit and one fsync instead of one each. Each put has exactly the semantics of
/// <c>PUT /v1/keys/{key}</c> with the same headers, written as fields:
/// <code>
/// {"puts": [{"key": "k", "value": {...}, "ifMatch": "\"41\"", "ttl": 1200}, {"key": "n", "value": 1, "ifNoneMatch": "*"}]}
/// → 200 {"results": [{"status": 204, "etag": "\"42\""}, {"status": 412, "etag": "\"40\"", "current": 7}]}
/// </code>
/// A refused put reports the winning version and value (as a single PUT does with
/// <c>Prefer: return=representation</c>); a put refused for an absent key has no etag. Each put has
/// its own outcome: a value over the store's limit is a 413 for that put, and a put the storage could
/// not apply or confirm (a shard that is down, replicas that did not confirm) is a 503 for that put,
/// each with an "error" text; the others are applied. A malformed item makes the whole call a 400, and
/// an item the caller may not write (<see cref="KeyRingWriteRule"/>) a 403; either writes nothing; a body over the store's limit is a 413 for the whole call.
/// </summary>
public static class BatchApi
{
    public const int MaxPuts = 256;

    public static RouteGroupBuilder MapBatchApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/batch", PutEachAsync).WithName("PutEach")
            .WithSummary("Several conditional puts in one call, applied together (one commit); one result per put, in order.")
            .Produces(StatusCodes.Status200OK, contentType: JsonResponses.JsonContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType).ProducesProblem(StatusCodes.Status403Forbidden)
            .AllowWebTier();
        return v1;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PutEachAsync(
        HttpRequest request, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        var limits = store.Limits;
        var (body, invalid) = await RequestBody.ReadJsonAsync(request, limits.MaxBodyBytes, "A batch must be sent as application/json.", cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (Parse(body!, limits, request.HttpContext) is not { } puts)
        {
            return Problems.BadRequest($"Expected {{\"puts\": [...]}} with 1 to {MaxPuts} items, each {{\"key\", \"value\"[, \"ifMatch\" | \"ifNoneMatch\"][, \"ttl\"]}}.");
        }
        if (puts.Error is { } error)
        {
            return error;
        }
        if (await KeyRingWriteRule.CheckRoomAsync(request.HttpContext, puts.Items.Select(i => i.Put?.Key ?? ""), store.Storage, cancellationToken) is { } full)
        {
            return full;
        }

        var accepted = puts.Items.Where(i => i.Put is not null).Select(i => i.Put!).ToList();
        var applied = accepted.Count == 0 ? [] : await store.Storage.PutEachAsync(accepted, cancellationToken);
        var next = 0;
        var results = puts.Items.Select(i => i.Refused ?? applied[next++]).ToList();
        return TypedResults.Bytes(Write(results), JsonResponses.JsonContentType);
    }

    /// <summary>One item of a batch: a put to apply, or the answer it already has (too large).</summary>
    internal readonly record struct Item(PutRequest? Put, WriteResult? Refused);

    internal sealed record Parsed(List<Item> Items, ProblemHttpResult? Error);

    /// <summary>Null when the shape is wrong; an Error when one item breaks a rule (named by its index).</summary>
    internal static Parsed? Parse(byte[] body, ApiLimits limits, HttpContext context)
    {
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestBody.MaxJsonDepth + 2 });
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("puts", out var items)
            || items.ValueKind != JsonValueKind.Array
            || items.GetArrayLength() is 0 or > MaxPuts)
        {
            return null;
        }
        var requests = new List<Item>(items.GetArrayLength());
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            var (accepted, error) = ReadItem(item, index, limits, context);
            if (error is not null)
            {
                return new Parsed(requests, error);
            }
            requests.Add(accepted);
            index++;
        }
        return new Parsed(requests, null);
    }

    /// <summary>
    /// One item as a put (or its refusal when the value is over the limit), or the problem that makes
    /// the whole call a 400/403. Every field has one JSON type, and an unknown, repeated or empty
    /// condition field is refused: a condition that is a number, misspelt, empty or sent twice must
    /// never turn a compare-and-set into a blind overwrite.
    /// </summary>
    private static (Item Item, ProblemHttpResult? Error) ReadItem(JsonElement item, int index, ApiLimits limits, HttpContext context)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return Refuse($"puts[{index}] must be an object {{\"key\", \"value\"[, \"ifMatch\" | \"ifNoneMatch\"][, \"ttl\"]}}.");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var field in item.EnumerateObject())
        {
            if (!seen.Add(field.Name))
            {
                return Refuse($"puts[{index}]: the field \"{field.Name}\" appears more than once.");
            }
            var expected = field.Name switch
            {
                "key" or "ifMatch" or "ifNoneMatch" => JsonValueKind.String,
                "ttl" => JsonValueKind.Number,
                "value" => field.Value.ValueKind,
                _ => JsonValueKind.Undefined,
            };
            if (expected == JsonValueKind.Undefined)
            {
                return Refuse($"puts[{index}]: unknown field \"{field.Name}\"; expected key, value, ifMatch, ifNoneMatch or ttl.");
            }
            if (field.Value.ValueKind != expected)
            {
                return Refuse($"puts[{index}]: \"{field.Name}\" must be a {(expected == JsonValueKind.Number ? "number" : "string")}, not {Describe(field.Value.ValueKind)}.");
            }
            if (field.Name is "ifMatch" or "ifNoneMatch" && string.IsNullOrWhiteSpace(field.Value.GetString()))
            {
                return Refuse($"puts[{index}]: \"{field.Name}\" is empty; leave it out for an unconditional put.");
            }
        }
        foreach (var required in (ReadOnlySpan<string>)["key", "value"])
        {
            if (!seen.Contains(required))
            {
                return Refuse($"puts[{index}]: \"{required}\" is missing.");
            }
        }
        var key = item.GetProperty("key").GetString()!;
        if (KeyRules.Check(key, limits) is { } badKey)
        {
            return Refuse($"puts[{index}]: {badKey}");
        }
        if (!RequestRules.TryParseCondition(Text(item, "ifMatch"), Text(item, "ifNoneMatch"), out var condition, out var conditionError)
            || !RequestRules.TryParseTimeToLive(item.TryGetProperty("ttl", out var ttl) ? ttl.GetRawText() : null, out var timeToLive, out conditionError))
        {
            return Refuse($"puts[{index}]: {conditionError}");
        }
        var value = Encoding.UTF8.GetBytes(item.GetProperty("value").GetRawText());
        if (KeyRingWriteRule.Check(context, key, condition, value.Length) is { } forbidden)
        {
            return (default, forbidden);
        }
        return (value.Length > limits.MaxValueBytes
            ? new Item(null, WriteResult.TooLarge($"The value is {value.Length} bytes; the limit is {limits.MaxValueBytes}."))
            : new Item(new PutRequest(key, value, condition, timeToLive), null), null);

        static (Item, ProblemHttpResult?) Refuse(string detail) => (default, Problems.BadRequest(detail));
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.GetString()! : "";

    private static byte[] Write(List<WriteResult> results)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("results");
            foreach (var result in results)
            {
                writer.WriteStartObject();
                writer.WriteNumber("status", result.Outcome switch
                {
                    WriteOutcome.Created => StatusCodes.Status201Created,
                    WriteOutcome.Replaced => StatusCodes.Status204NoContent,
                    WriteOutcome.TooLarge => StatusCodes.Status413PayloadTooLarge,
                    WriteOutcome.Unavailable => StatusCodes.Status503ServiceUnavailable,
                    _ => StatusCodes.Status412PreconditionFailed,
                });
                if (result.Error is { } error)
                {
                    writer.WriteString("error", error);
                }
                else if (result.Outcome != WriteOutcome.PreconditionFailed || result.Current is not null)
                {
                    writer.WriteString("etag", RequestRules.ETag(result.Version));
                }
                if (result.Current is { } current)
                {
                    writer.WritePropertyName("current");
                    writer.WriteRawValue(current, skipInputValidation: true);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
