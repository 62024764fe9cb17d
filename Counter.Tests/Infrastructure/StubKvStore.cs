using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// An in-memory stand-in for the store's /v1 API as web uses it (GET, conditional PUT, touch, DELETE,
/// the streamed listing),
/// for testing web's session layer without an app. It behaves like the store except where a test
/// asks otherwise: with <see cref="WinnerOnConflict"/> false, a refused compare-and-set answers a
/// bare 412 problem (what a store that ignores <c>Prefer: return=representation</c> sends).
/// </summary>
public sealed class StubKvStore
{
    private readonly ConcurrentDictionary<string, (byte[] Value, long Version)> _entries = new();
    private long _version;

    public bool WinnerOnConflict { get; set; } = true;

    /// <summary>While true, every call fails to connect, as with a store process that is stopped.</summary>
    public bool Down { get; set; }

    public ICollection<string> Keys => _entries.Keys;

    /// <summary>Keys the listing returns twice, as a Redis SCAN may during a rehash.</summary>
    public ISet<string> ListedTwice { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Writes a value directly, as whoever holds the operations credential or the store's files could.</summary>
    public void Plant(string key, string json) => _entries[key] = (Encoding.UTF8.GetBytes(json), Interlocked.Increment(ref _version));

    /// <summary>The value stored under <paramref name="key"/>, as JSON text; null when absent.</summary>
    public string? Read(string key) => _entries.TryGetValue(key, out var entry) ? Encoding.UTF8.GetString(entry.Value) : null;

    /// <summary>A handler over this store's state, for one HTTP client.</summary>
    public HttpMessageHandler CreateHandler() => new Handler(this);

    private HttpResponseMessage Answer(HttpRequestMessage request, byte[]? body)
    {
        if (Down)
        {
            throw new HttpRequestException("Connection refused (kvstore.test:80)");
        }
        var path = request.RequestUri!.AbsolutePath;
        if (path == "/v1/entries")
        {
            return Entries(Uri.UnescapeDataString(request.RequestUri.Query["?prefix=".Length..]));
        }
        var key = Uri.UnescapeDataString(path["/v1/keys/".Length..].Replace("/touch", "", StringComparison.Ordinal));
        var current = _entries.TryGetValue(key, out var entry) ? entry : ((byte[] Value, long Version)?)null;
        if (request.Method == HttpMethod.Get)
        {
            return current is { } found ? Ok(found.Value, found.Version) : new HttpResponseMessage(HttpStatusCode.NotFound);
        }
        if (request.Method == HttpMethod.Post && path.EndsWith("/touch", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(current is null ? HttpStatusCode.NotFound : HttpStatusCode.NoContent);
        }
        if (request.Method == HttpMethod.Delete)
        {
            return new HttpResponseMessage(_entries.TryRemove(key, out _) ? HttpStatusCode.NoContent : HttpStatusCode.NotFound);
        }
        lock (_entries)
        {
            current = _entries.TryGetValue(key, out entry) ? entry : null;
            var ifMatch = request.Headers.IfMatch.FirstOrDefault()?.Tag;
            var createOnly = request.Headers.IfNoneMatch.Count > 0;
            if ((createOnly && current is not null) || (ifMatch is not null && (current is null || $"\"{current.Value.Version}\"" != ifMatch)))
            {
                return current is { } winner && WinnerOnConflict
                    ? Ok(winner.Value, winner.Version, HttpStatusCode.PreconditionFailed)
                    : new HttpResponseMessage(HttpStatusCode.PreconditionFailed)
                    {
                        Content = new StringContent("""{"title":"Precondition failed"}""", Encoding.UTF8, "application/problem+json"),
                    };
            }
            var version = Interlocked.Increment(ref _version);
            _entries[key] = (body!, version);
            var response = new HttpResponseMessage(current is null ? HttpStatusCode.Created : HttpStatusCode.NoContent);
            response.Headers.ETag = new EntityTagHeaderValue($"\"{version}\"");
            return response;
        }
    }

    /// <summary>The streamed listing: one JSON object a line.</summary>
    private HttpResponseMessage Entries(string prefix)
    {
        var lines = _entries.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal))
            .SelectMany(e => ListedTwice.Contains(e.Key) ? new[] { e, e } : [e])
            .Select(e => $"{{\"key\":{System.Text.Json.JsonSerializer.Serialize(e.Key)},\"value\":{Encoding.UTF8.GetString(e.Value.Value)},\"version\":{e.Value.Version}}}\n");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(string.Concat(lines), Encoding.UTF8, "application/x-ndjson") };
    }

    private static HttpResponseMessage Ok(byte[] value, long version, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = new HttpResponseMessage(status) { Content = new ByteArrayContent(value) };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        response.Headers.ETag = new EntityTagHeaderValue($"\"{version}\"");
        return response;
    }

    private sealed class Handler(StubKvStore store) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            return store.Answer(request, body);
        }
    }
}
