using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Counter.KvStore.Storage;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Counter.KvStore.Api;

/// <summary>
/// The versioned API a session layer needs: values with versions (ETag), conditional writes
/// (If-Match / If-None-Match: *), expiry (?ttl= seconds) and touch, paged listing, streamed dump.
/// </summary>
public static class KeysApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    private static readonly TimeSpan MaxTimeToLive = TimeSpan.FromDays(365);

    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Keys v1");
        group.MapGet("/keys/{key}", GetAsync).WithName("GetValue").WithSummary("Read a value; its version is the ETag.");
        group.MapPut("/keys/{key}", PutAsync).WithName("PutValue").WithSummary("Write a value, optionally conditional (If-Match, If-None-Match: *) and expiring (?ttl=seconds).");
        group.MapDelete("/keys/{key}", DeleteAsync).WithName("DeleteValue").WithSummary("Delete a value, optionally only at a version (If-Match).");
        group.MapPost("/keys/{key}/touch", TouchAsync).WithName("TouchValue").WithSummary("Extend a value's expiry (?ttl=seconds) without rewriting it.");
        group.MapGet("/keys", ListAsync).WithName("ListPage").WithSummary("One page of keys with a prefix; pass the cursor back for the next page.");
        group.MapDelete("/keys", DeletePrefixAsync).WithName("DeletePrefix").WithSummary("Delete every key with a (non-empty) prefix; answers how many.");
        group.MapPost("/batch", BatchApi.PutEachAsync).WithName("PutEach")
            .WithSummary("Several conditional puts in one call, applied together (one commit); one result per put, in order.");
        group.MapGet("/entries", Dump).WithName("DumpEntries").WithSummary("Every live entry with a prefix, streamed as NDJSON.");
        return group;
    }

    private static async Task<IResult> GetAsync(string key, HttpResponse response, IKeyValueStorage storage, IOptions<StorageOptions> options, CancellationToken cancellationToken)
    {
        if (KeyRules.Check(key, options.Value) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (await storage.GetAsync(key, cancellationToken) is not { } entry)
        {
            return Problems.NotFound(key);
        }
        SetVersion(response, entry.Version);
        return TypedResults.Bytes(entry.Value, JsonResponses.JsonContentType);
    }

    private static async Task<IResult> PutAsync(string key, string? ttl, HttpRequest request, HttpResponse response, IKeyValueStorage storage, IOptions<StorageOptions> options, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        if (KeyRules.Check(key, limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (!TryParseCondition(request, out var condition, out var conditionError))
        {
            return Problems.BadRequest(conditionError);
        }
        if (!TryParseTimeToLive(ttl, out var timeToLive, out var ttlError))
        {
            return Problems.BadRequest(ttlError);
        }
        if (!RequestBody.IsJson(request))
        {
            return Problems.UnsupportedMediaType("The value must be sent as application/json.");
        }
        var (body, tooLarge) = await RequestBody.ReadAsync(request, limits.MaxValueBytes, cancellationToken);
        if (tooLarge is not null)
        {
            return tooLarge;
        }
        if (RequestBody.CheckValue(body, limits) is { } invalid)
        {
            return invalid;
        }

        var result = await storage.PutAsync(key, body!, condition, timeToLive, cancellationToken);
        switch (result.Outcome)
        {
            case WriteOutcome.PreconditionFailed when result.Current is { } current:
                // Say which version won, and (when asked) what it holds, so the caller can re-apply
                // its change and retry without a separate read.
                SetVersion(response, result.Version);
                return WantsRepresentation(request)
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

    private static async Task<IResult> DeleteAsync(string key, HttpRequest request, IKeyValueStorage storage, IOptions<StorageOptions> options, CancellationToken cancellationToken)
    {
        if (KeyRules.Check(key, options.Value) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (!TryParseCondition(request, out var condition, out var conditionError) || condition.IfNoneMatch)
        {
            return Problems.BadRequest(conditionError ?? "If-None-Match has no meaning on DELETE.");
        }
        var result = await storage.DeleteAsync(key, condition, cancellationToken);
        return result.Outcome switch
        {
            DeleteOutcome.Deleted => TypedResults.NoContent(),
            DeleteOutcome.NotFound => Problems.NotFound(key),
            _ => Problems.PreconditionFailed($"'{key}' is not at version {condition.IfMatch}."),
        };
    }

    private static async Task<IResult> TouchAsync(string key, string? ttl, HttpResponse response, IKeyValueStorage storage, IOptions<StorageOptions> options, CancellationToken cancellationToken)
    {
        if (KeyRules.Check(key, options.Value) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (ttl is null || !TryParseTimeToLive(ttl, out var timeToLive, out var ttlError))
        {
            return Problems.BadRequest("Touch needs ?ttl= with a whole number of seconds.");
        }
        if (await storage.TouchAsync(key, timeToLive, cancellationToken) is not { } version)
        {
            return Problems.NotFound(key);
        }
        SetVersion(response, version);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ListAsync(string? prefix, int? limit, string? cursor, IKeyValueStorage storage, IOptions<StorageOptions> options, CancellationToken cancellationToken)
    {
        if (KeyRules.CheckPrefix(prefix, options.Value) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        var pageSize = limit ?? DefaultPageSize;
        if (pageSize is < 1 or > MaxPageSize)
        {
            return Problems.BadRequest($"limit must be between 1 and {MaxPageSize}.");
        }
        string? position = null;
        if (cursor is not null && !TryDecodeCursor(cursor, out position))
        {
            return Problems.BadRequest("The cursor is not one this store issued.");
        }
        var page = await storage.ListAsync(prefix ?? string.Empty, position, pageSize, cancellationToken);
        return TypedResults.Ok(new KeyPageResponse(page.Keys, page.NextCursor is null ? null : EncodeCursor(page.NextCursor)));
    }

    private static async Task<IResult> DeletePrefixAsync(string? prefix, IKeyValueStorage storage, IOptions<StorageOptions> options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return Problems.BadRequest("Give a non-empty ?prefix= (deleting everything at once is not offered).");
        }
        if (KeyRules.CheckPrefix(prefix, options.Value) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        return TypedResults.Ok(new DeletedResponse(await storage.DeletePrefixAsync(prefix, cancellationToken)));
    }

    private static IResult Dump(string? prefix, IKeyValueStorage storage, IOptions<StorageOptions> options, CancellationToken cancellationToken) =>
        KeyRules.CheckPrefix(prefix, options.Value) is { } bad
            ? Problems.BadRequest(bad)
            : JsonResponses.StreamEntries(storage.ScanAsync(prefix ?? string.Empty, cancellationToken));

    /// <summary>A page of keys and the cursor for the next page (null on the last page).</summary>
    public sealed record KeyPageResponse(IReadOnlyList<string> Keys, string? Cursor);

    /// <summary>How many keys a prefix delete removed.</summary>
    public sealed record DeletedResponse(long Deleted);

    /// <summary>RFC 7240 "Prefer: return=representation": the caller wants the current value on a 412.</summary>
    private static bool WantsRepresentation(HttpRequest request) =>
        request.Headers["Prefer"].Any(p => p is not null && p.Contains("return=representation", StringComparison.OrdinalIgnoreCase));

    /// <summary>A version as the strong ETag the store issues ("42"), in headers and batch results alike.</summary>
    internal static string ETag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static void SetVersion(HttpResponse response, long version)
    {
        response.Headers.ETag = ETag(version);
        response.Headers.CacheControl = "no-store";
    }

    private static bool TryParseCondition(HttpRequest request, out WriteCondition condition, [NotNullWhen(false)] out string? error) =>
        TryParseCondition(request.Headers.IfMatch.ToString(), request.Headers.IfNoneMatch.ToString(), out condition, out error);

    /// <summary>If-Match / If-None-Match values (empty when absent), as in headers or a batch item.</summary>
    internal static bool TryParseCondition(string ifMatch, string ifNoneMatch, out WriteCondition condition, [NotNullWhen(false)] out string? error)
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

    internal static bool TryParseTimeToLive(string? ttl, out TimeSpan? timeToLive, [NotNullWhen(false)] out string? error)
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

    private static string EncodeCursor(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    private static bool TryDecodeCursor(string cursor, out string? key)
    {
        key = null;
        if (cursor.Length > 2048)
        {
            return false;
        }
        try
        {
            key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
