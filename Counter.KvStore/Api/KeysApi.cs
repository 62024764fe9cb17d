using Counter.KvStore.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>
/// <c>/v1/keys</c>: values with versions (ETag), conditional writes (If-Match / If-None-Match: *),
/// expiry (?ttl= seconds) and touch, conditional delete, paged listing and delete-by-prefix.
/// Every refusal is an RFC 9457 problem, declared per route so the OpenAPI document lists it.
/// </summary>
public static class KeysApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static RouteGroupBuilder MapKeysApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/keys/{key}", GetAsync).WithName("GetValue").WithSummary("Read a value; its version is the ETag.")
            .Produces(StatusCodes.Status200OK, contentType: JsonResponses.JsonContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .AllowWebTier();
        // No .Accepts(): routing would then refuse other media types with a bare 415; the handler's
        // 415 says what to send.
        v1.MapPut("/keys/{key}", PutAsync).WithName("PutValue").WithSummary("Write a value, optionally conditional (If-Match, If-None-Match: *) and expiring (?ttl=seconds).")
            .Produces(StatusCodes.Status412PreconditionFailed, contentType: JsonResponses.JsonContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status403Forbidden).AllowWebTier();
        v1.MapDelete("/keys/{key}", DeleteAsync).WithName("DeleteValue").WithSummary("Delete a value, optionally only at a version (If-Match).")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status403Forbidden).AllowWebTier();
        v1.MapPost("/keys/{key}/touch", TouchAsync).WithName("TouchValue").WithSummary("Extend a value's expiry (?ttl=seconds) without rewriting it.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status403Forbidden).AllowWebTier();
        v1.MapGet("/keys", ListAsync).WithName("ListPage").WithSummary("One page of keys with a prefix; pass the cursor back for the next page.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        v1.MapDelete("/keys", DeletePrefixAsync).WithName("DeletePrefix").WithSummary("Delete every key with a (non-empty) prefix; answers how many.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return v1;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetAsync(
        string key, HttpResponse response, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        if (KeyRules.Check(key, store.Limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (await store.Storage.GetAsync(key, cancellationToken) is not { } entry)
        {
            return Problems.NotFound(key);
        }
        SetVersion(response, entry.Version);
        return TypedResults.Bytes(entry.Value, JsonResponses.JsonContentType);
    }

    private static async Task<Results<Created, NoContent, JsonResponses.CurrentValueResult, ProblemHttpResult>> PutAsync(
        string key, string? ttl, HttpRequest request, HttpResponse response, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        var limits = store.Limits;
        if (KeyRules.Check(key, limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (!RequestRules.TryParseCondition(request, out var condition, out var conditionError))
        {
            return Problems.BadRequest(conditionError);
        }
        if (!RequestRules.TryParseTimeToLive(ttl, out var timeToLive, out var ttlError))
        {
            return Problems.BadRequest(ttlError);
        }
        if (KeyRingWriteRule.Check(request.HttpContext, key, condition) is { } forbidden)
        {
            return forbidden;
        }
        var (body, invalid) = await RequestBody.ReadJsonAsync(request, limits.MaxValueBytes, "The value must be sent as application/json.", cancellationToken);
        if (invalid is not null)
        {
            return invalid;
        }
        if (KeyRingWriteRule.Check(request.HttpContext, key, condition, body!.Length) is { } tooLarge)
        {
            return tooLarge;
        }
        if (await KeyRingWriteRule.CheckRoomAsync(request.HttpContext, [key], store.Storage, cancellationToken) is { } full)
        {
            return full;
        }

        var result = await store.Storage.PutAsync(key, body!, condition, timeToLive, cancellationToken);
        switch (result.Outcome)
        {
            case WriteOutcome.PreconditionFailed when result.Current is { } current:
                // Say which version won, and (when asked) what it holds, so the caller can re-apply
                // its change and retry without a separate read.
                SetVersion(response, result.Version);
                return RequestRules.WantsRepresentation(request)
                    ? JsonResponses.PreconditionFailedWith(current)
                    : Problems.PreconditionFailed(condition.IfNoneMatch
                        ? $"'{key}' already exists (version {result.Version})."
                        : $"'{key}' is not at version {condition.IfMatch}; it is at version {result.Version}.");
            case WriteOutcome.PreconditionFailed:
                return Problems.PreconditionFailed(condition.IfNoneMatch
                    ? $"'{key}' already exists."
                    : $"'{key}' is not at version {condition.IfMatch}; it changed or does not exist.");
            case WriteOutcome.Created:
                SetVersion(response, result.Version);
                return TypedResults.Created($"/v1/keys/{key}");
            default:
                SetVersion(response, result.Version);
                return TypedResults.NoContent();
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string key, HttpRequest request, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        if (KeyRules.Check(key, store.Limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (!RequestRules.TryParseCondition(request, out var condition, out var conditionError) || condition.IfNoneMatch)
        {
            return Problems.BadRequest(conditionError ?? "If-None-Match has no meaning on DELETE.");
        }
        if (KeyRingWriteRule.Check(request.HttpContext, key, put: null) is { } forbidden)
        {
            return forbidden;
        }
        var result = await store.Storage.DeleteAsync(key, condition, cancellationToken);
        return result.Outcome switch
        {
            DeleteOutcome.Deleted => TypedResults.NoContent(),
            DeleteOutcome.NotFound => Problems.NotFound(key),
            _ => Problems.PreconditionFailed($"'{key}' is not at version {condition.IfMatch}."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> TouchAsync(
        string key, string? ttl, HttpResponse response, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        if (KeyRules.Check(key, store.Limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (KeyRingWriteRule.Check(response.HttpContext, key, put: null) is { } forbidden)
        {
            return forbidden;
        }
        if (ttl is null || !RequestRules.TryParseTimeToLive(ttl, out var timeToLive, out _))
        {
            return Problems.BadRequest("Touch needs ?ttl= with a whole number of seconds.");
        }
        if (await store.Storage.TouchAsync(key, timeToLive, cancellationToken) is not { } version)
        {
            return Problems.NotFound(key);
        }
        SetVersion(response, version);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<KeyPageResponse>, ProblemHttpResult>> ListAsync(
        string? prefix, int? limit, string? cursor, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        if (KeyRules.CheckPrefix(prefix, store.Limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        var pageSize = limit ?? DefaultPageSize;
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Problems.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        }
        string? position = null;
        if (cursor is not null && !ListingCursor.TryDecode(cursor, out position))
        {
            return Problems.BadRequest("The cursor is not one this store issued.");
        }
        var page = await store.Storage.ListAsync(prefix ?? string.Empty, position, pageSize, cancellationToken);
        return TypedResults.Ok(new KeyPageResponse(page.Keys, page.NextCursor is null ? null : ListingCursor.Encode(page.NextCursor)));
    }

    private static async Task<Results<Ok<DeletedResponse>, ProblemHttpResult>> DeletePrefixAsync(
        string? prefix, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return Problems.BadRequest("Give a non-empty ?prefix= (deleting everything at once is not offered).");
        }
        if (KeyRules.CheckPrefix(prefix, store.Limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        return TypedResults.Ok(new DeletedResponse(await store.Storage.DeletePrefixAsync(prefix, cancellationToken)));
    }

    /// <summary>A page of keys and the cursor for the next page (null on the last page).</summary>
    public sealed record KeyPageResponse(IReadOnlyList<string> Keys, string? Cursor);

    /// <summary>How many keys a prefix delete removed.</summary>
    public sealed record DeletedResponse(long Deleted);

    private static void SetVersion(HttpResponse response, long version)
    {
        response.Headers.ETag = RequestRules.ETag(version);
        response.Headers.CacheControl = "no-store";
    }
}
