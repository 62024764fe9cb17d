namespace Counter.Web.KvStore;

/// <summary>
/// The one door to the KV store for everything in web (the session layer, the Data Protection key
/// ring). Reads, touches and deletes go straight out over HTTP; writes go through the
/// <see cref="WriteCoalescer"/>, so concurrent saves share one <c>POST /v1/batch</c> under load.
/// Every failure to get an answer is a <see cref="KvStoreUnavailableException"/>.
/// </summary>
public sealed class KvStoreClient
{
    private readonly KvStoreHttp _http;
    private readonly WriteCoalescer _writes;

    internal KvStoreClient(KvStoreHttp http, WriteCoalescer writes) => (_http, _writes) = (http, writes);

    /// <summary>The value and its version; null when the key is absent or expired.</summary>
    public Task<VersionedValue?> GetAsync(string key, CancellationToken cancellationToken) => _http.GetAsync(key, cancellationToken);

    /// <summary>
    /// Writes <paramref name="value"/> only if the key is still at <paramref name="version"/> (or, when
    /// null, does not exist yet). When another write came first, the result carries that write's
    /// value and version, so the caller can re-apply its change without reading the key again.
    /// </summary>
    public Task<PutResult> PutIfAsync(string key, byte[] value, string? version, TimeSpan? timeToLive, CancellationToken cancellationToken) =>
        _writes.PutIfAsync(new ConditionalPut(key, value, version, timeToLive), cancellationToken);

    /// <summary>Extends the key's expiry without rewriting it. False when the key is gone.</summary>
    public Task<bool> TouchAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken) => _http.TouchAsync(key, timeToLive, cancellationToken);

    /// <summary>Deletes the key; an absent key is not an error.</summary>
    public Task DeleteAsync(string key, CancellationToken cancellationToken) => _http.DeleteAsync(key, cancellationToken);

    /// <summary>Every live entry whose key starts with <paramref name="prefix"/>.</summary>
    public Task<IReadOnlyList<ListedEntry>> ListEntriesAsync(string prefix, CancellationToken cancellationToken) =>
        _http.ListEntriesAsync(prefix, cancellationToken);
}
