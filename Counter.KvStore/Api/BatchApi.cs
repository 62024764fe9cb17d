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
/// <c>Prefer: return=representation</c>); a put refused for an absent key has no etag. A malformed
/// item makes the whole call a 400 and writes nothing.
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
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .AllowWebTier();
        return v1;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> PutEachAsync(
        HttpRequest request, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        var limits = store.Limits;
        if (!RequestBody.IsJson(request))
        {
            return Problems.UnsupportedMediaType("A batch must be sent as application/json.");
        }
        var (body, tooLarge) = await RequestBody.ReadAsync(request, limits.MaxBodyBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        if (RequestBody.CheckJson(body) is { } invalid)
        {
            return Problems.BadRequest(invalid);
        }
        if (Parse(body!, limits) is not { } puts)
        {
            return Problems.BadRequest($"Expected {{\"puts\": [...]}} with 1 to {MaxPuts} items, each {{\"key\", \"value\"[, \"ifMatch\" | \"ifNoneMatch\"][, \"ttl\"]}}.");
        }
        if (puts.Error is { } error)
        {
            return error;
        }

        var results = await store.Storage.PutEachAsync(puts.Requests, cancellationToken);
        return TypedResults.Bytes(Write(results), JsonResponses.JsonContentType);
    }

    private sealed record Parsed(List<PutRequest> Requests, ProblemHttpResult? Error);

    /// <summary>Null when the shape is wrong; an Error when one item breaks a rule (named by its index).</summary>
    private static Parsed? Parse(byte[] body, StorageOptions limits)
    {
        using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestBody.MaxJsonDepth + 2 });
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("puts", out var items)
            || items.ValueKind != JsonValueKind.Array
            || items.GetArrayLength() is 0 or > MaxPuts)
        {
            return null;
        }
        var requests = new List<PutRequest>(items.GetArrayLength());
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("value", out var valueElement))
            {
                return null;
            }
            var key = keyElement.GetString()!;
            if (KeyRules.Check(key, limits) is { } badKey)
            {
                return new Parsed(requests, Problems.BadRequest($"puts[{index}]: {badKey}"));
            }
            var value = Encoding.UTF8.GetBytes(valueElement.GetRawText());
            if (value.Length > limits.MaxValueBytes)
            {
                return new Parsed(requests, Problems.TooLarge($"puts[{index}]: the value is {value.Length} bytes; the limit is {limits.MaxValueBytes}."));
            }
            if (!RequestRules.TryParseCondition(Text(item, "ifMatch"), Text(item, "ifNoneMatch"), out var condition, out var conditionError)
                || !RequestRules.TryParseTimeToLive(item.TryGetProperty("ttl", out var ttl) ? ttl.GetRawText() : null, out var timeToLive, out conditionError))
            {
                return new Parsed(requests, Problems.BadRequest($"puts[{index}]: {conditionError}"));
            }
            requests.Add(new PutRequest(key, value, condition, timeToLive));
            index++;
        }
        return new Parsed(requests, null);
    }

    private static string Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static byte[] Write(IReadOnlyList<WriteResult> results)
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
                    _ => StatusCodes.Status412PreconditionFailed,
                });
                if (result.Outcome != WriteOutcome.PreconditionFailed || result.Current is not null)
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
