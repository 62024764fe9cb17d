namespace Counter.KvStore.Api;

/// <summary>
/// The versioned API a session layer needs, under <c>/v1</c>: single keys with versions, expiry and
/// paged listing (<see cref="KeysApi"/>), the streamed dump (<see cref="EntriesApi"/>) and batched
/// conditional writes (<see cref="BatchApi"/>).
/// </summary>
public static class VersionedApi
{
    public static RouteGroupBuilder MapVersionedApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Keys v1");
        group.MapKeysApi();
        group.MapEntriesApi();
        group.MapBatchApi();
        return group;
    }
}
