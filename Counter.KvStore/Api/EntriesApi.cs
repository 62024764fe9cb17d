using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>
/// <c>GET /v1/entries?prefix=[&amp;limit=]</c>: the live entries with a prefix in key order, streamed as
/// NDJSON a page at a time (the dump), and <c>GET /v1/count?prefix=</c>: how many there are.
/// </summary>
public static class EntriesApi
{
    public static RouteGroupBuilder MapEntriesApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/entries", Dump).WithName("DumpEntries").WithSummary("Every live entry with a prefix, streamed as NDJSON.")
            .Produces(StatusCodes.Status200OK, contentType: JsonResponses.NdjsonContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            // Web reads its Data Protection key ring through this, and nothing else.
            .AllowWebTier(keyRingListingOnly: true);
        v1.MapGet("/count", CountAsync).WithName("CountEntries").WithSummary("How many live entries have a prefix.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return v1;
    }

    private static Results<PushStreamHttpResult, ProblemHttpResult> Dump(string? prefix, int? limit, [AsParameters] StoreServices store, CancellationToken cancellationToken)
    {
        if (KeyRules.CheckPrefix(prefix, store.Limits) is { } bad)
        {
            return Problems.BadRequest(bad);
        }
        if (limit is < 1)
        {
            return Problems.BadRequest("limit must be at least 1 (leave it out for every entry).");
        }
        var entries = store.Storage.ScanAsync(prefix ?? string.Empty, cancellationToken);
        return JsonResponses.StreamEntries(limit is { } most ? entries.Take(most) : entries);
    }

    private static async Task<Results<Ok<CountResponse>, ProblemHttpResult>> CountAsync(string? prefix, [AsParameters] StoreServices store, CancellationToken cancellationToken) =>
        KeyRules.CheckPrefix(prefix, store.Limits) is { } bad
            ? Problems.BadRequest(bad)
            : TypedResults.Ok(new CountResponse(prefix ?? string.Empty, await store.Storage.CountAsync(prefix ?? string.Empty, cancellationToken)));

    public sealed record CountResponse(string Prefix, long Count);
}
