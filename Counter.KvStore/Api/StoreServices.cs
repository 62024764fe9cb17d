using Counter.KvStore.Storage;
using Microsoft.Extensions.Options;

namespace Counter.KvStore.Api;

/// <summary>What every store handler needs, bound with <c>[AsParameters]</c>: the engine and its limits.</summary>
public sealed record StoreServices(IKeyValueStorage Storage, IOptions<ApiLimits> Options)
{
    public ApiLimits Limits => Options.Value;
}
