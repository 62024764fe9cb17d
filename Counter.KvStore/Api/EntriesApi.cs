using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary><c>GET /v1/entries?prefix=</c>: every live entry with a prefix, streamed as NDJSON a page at a time (the dump).</summary>
public static class EntriesApi
{
    public static RouteGroupBuilder MapEntriesApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/entries", Dump).WithName("DumpEntries").WithSummary("Every live entry with a prefix, streamed as NDJSON.")
            .Produces(StatusCodes.Status200OK, contentType: JsonResponses.NdjsonContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return v1;
    }

    private static Results<PushStreamHttpResult, ProblemHttpResult> Dump(string? prefix, [AsParameters] StoreServices store, CancellationToken cancellationToken) =>
        KeyRules.CheckPrefix(prefix, store.Limits) is { } bad
            ? Problems.BadRequest(bad)
            : JsonResponses.StreamEntries(store.Storage.ScanAsync(prefix ?? string.Empty, cancellationToken));
}
