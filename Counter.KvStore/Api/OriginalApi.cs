using System.Text;
using System.Text.Json;
using Counter.KvStore.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>
/// The original store's API, unchanged for existing clients (docs/kv-api.md's original-API table):
/// <c>POST /</c> sets keys, <c>GET /{key}</c> and <c>DELETE /{key}</c> answer <c>{"key": value}</c>,
/// <c>GET /?prefix=</c> lists keys.
/// </summary>
public static class OriginalApi
{
    public static RouteGroupBuilder MapOriginalApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/").WithTags("Original API");
        group.MapPost("/", SetManyAsync).WithName("SetKeys").WithSummary("Set each key of a JSON object (or form) to its value.")
            .Produces(StatusCodes.Status200OK, contentType: JsonResponses.JsonContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("/", ListKeys).WithName("ListKeys").WithSummary("List keys, optionally those starting with a prefix.")
            .Produces(StatusCodes.Status200OK, contentType: JsonResponses.JsonContentType).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/{key}", GetAsync).WithName("GetKey").WithSummary("Read one key; the value is null when absent.")
            .Produces(StatusCodes.Status200OK, contentType: JsonResponses.JsonContentType).ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapDelete("/{key}", DeleteAsync).WithName("DeleteKey").WithSummary("Remove one key; answers its old value.")
            .Produces(StatusCodes.Status200OK, contentType: JsonResponses.JsonContentType).ProducesProblem(StatusCodes.Status400BadRequest);
        return group;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> SetManyAsync(
        HttpRequest request, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        var limits = store.Limits;
        List<KeyValuePair<string, byte[]>> entries;
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException)
            {
                return Problems.BadRequest($"The form body is malformed: {ex.Message}");
            }
            // A form carries strings: each is stored as a JSON string, as the original did.
            entries = [.. form.Select(field => KeyValuePair.Create(field.Key, JsonSerializer.SerializeToUtf8Bytes(field.Value.ToString())))];
        }
        else
        {
            var (body, invalid) = await RequestBody.ReadJsonAsync(request, limits.MaxBodyBytes,
                "Send a JSON object (application/json) or a form (application/x-www-form-urlencoded).", cancellationToken);
            if (invalid is not null)
            {
                return invalid;
            }
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = RequestBody.MaxJsonDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Problems.BadRequest($"The body must be a JSON object of keys to values; it is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}.");
            }
            entries = [.. document.RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, Encoding.UTF8.GetBytes(p.Value.GetRawText())))];
        }

        foreach (var (key, value) in entries)
        {
            if (KeyRules.Check(key, limits) is { } badKey)
            {
                return Problems.BadRequest(badKey);
            }
            if (value.Length > limits.MaxValueBytes)
            {
                return Problems.TooLarge($"The value of '{key}' is {value.Length} bytes; the limit is {limits.MaxValueBytes}.");
            }
        }
        await store.Storage.PutManyAsync(entries, cancellationToken);
        return TypedResults.Bytes(WriteObject(entries), JsonResponses.JsonContentType);
    }

    private static Results<PushStreamHttpResult, ProblemHttpResult> ListKeys(string? prefix, [AsParameters] StoreServices store, CancellationToken cancellationToken) =>
        KeyRules.CheckPrefix(prefix, store.Limits) is { } bad
            ? Problems.BadRequest(bad)
            : JsonResponses.StreamKeys(store.Storage.ScanAsync(prefix ?? string.Empty, cancellationToken));

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAsync(string key, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        if (KeyRules.Check(key, store.Limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        var entry = await store.Storage.GetAsync(key, cancellationToken);
        return JsonResponses.KeyAndValue(key, entry?.Value);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DeleteAsync(string key, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        if (KeyRules.Check(key, store.Limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        var result = await store.Storage.DeleteAsync(key, WriteCondition.None, cancellationToken);
        return JsonResponses.KeyAndValue(key, result.Previous?.Value);
    }

    private static byte[] WriteObject(IEnumerable<KeyValuePair<string, byte[]>> entries)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in entries)
            {
                writer.WritePropertyName(key);
                writer.WriteRawValue(value, skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
