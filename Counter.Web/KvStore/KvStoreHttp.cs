using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Counter.ServiceDefaults.Timing;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Counter.Web.KvStore;

/// <summary>
/// The HTTP transport behind <see cref="KvStoreClient"/>: a typed client for the store's /v1 API.
/// Its base address is a service-discovery name (https+http://kvstore), resolved at run time.
/// Every failure to get an answer (refused, timed out, circuit open, 5xx, 401) becomes
/// <see cref="KvStoreUnavailableException"/>; a value over the store's limit (413) becomes
/// <see cref="KvStoreValueTooLargeException"/>, which no retry can fix.
/// </summary>
internal sealed class KvStoreHttp(HttpClient http)
{
    public const string JsonMediaType = "application/json";

    public async Task<VersionedValue?> GetAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, KeyPath(key)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        EnsureAnswered(response);
        var version = RequireVersion(response.Headers.ETag?.Tag);
        return new VersionedValue(await response.Content.ReadAsByteArrayAsync(cancellationToken), version);
    }

    /// <summary>One conditional PUT; on a 412 the winner's value comes back (Prefer: return=representation).</summary>
    public async Task<PutResult> PutIfAsync(ConditionalPut put, CancellationToken cancellationToken)
    {
        var (key, value, version, timeToLive) = put;
        var request = new HttpRequestMessage(HttpMethod.Put, timeToLive is { } ttl ? $"{KeyPath(key)}?ttl={Seconds(ttl)}" : KeyPath(key))
        {
            Content = new ByteArrayContent(value) { Headers = { ContentType = new MediaTypeHeaderValue(JsonMediaType) } },
        };
        if (version is null)
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        }
        else
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(version));
        }
        request.Headers.Add("Prefer", "return=representation");
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            // The winner's value comes as plain JSON; a problem+json body (a store that ignored
            // Prefer) says only that it failed: Current is then null, and the caller reads the key again.
            return response.Headers.ETag?.Tag is { } winner && response.Content.Headers.ContentType?.MediaType == JsonMediaType
                ? new PutResult(null, new VersionedValue(await response.Content.ReadAsByteArrayAsync(cancellationToken), winner))
                : new PutResult(null, null);
        }
        EnsureAnswered(response);
        return new PutResult(RequireVersion(response.Headers.ETag?.Tag), null);
    }

    /// <summary>
    /// Several compare-and-set writes in one call (<c>POST /v1/batch</c>), each with exactly the
    /// semantics of <see cref="PutIfAsync"/>; outcomes in the same order, each its own (a put the store
    /// could not apply, 503, or refused as too large, 413, fails alone). Not retried, like any write.
    /// </summary>
    public async Task<IReadOnlyList<BatchPutOutcome>> PutEachAsync(IReadOnlyList<ConditionalPut> puts, CancellationToken cancellationToken)
    {
        var body = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("puts");
            foreach (var put in puts)
            {
                writer.WriteStartObject();
                writer.WriteString("key", put.Key);
                writer.WritePropertyName("value");
                writer.WriteRawValue(put.Value, skipInputValidation: true);
                if (put.Version is null)
                {
                    writer.WriteString("ifNoneMatch", "*");
                }
                else
                {
                    writer.WriteString("ifMatch", put.Version);
                }
                if (put.TimeToLive is { } ttl)
                {
                    writer.WriteNumber("ttl", TimeToLiveSeconds(ttl));
                }
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = new ReadOnlyMemoryContent(body.WrittenMemory) { Headers = { ContentType = new MediaTypeHeaderValue(JsonMediaType) } },
        }, cancellationToken);
        EnsureAnswered(response);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        var results = new List<BatchPutOutcome>(puts.Count);
        foreach (var result in answer.RootElement.GetProperty("results").EnumerateArray())
        {
            var version = result.TryGetProperty("etag", out var e) ? e.GetString() : null;
            var error = result.TryGetProperty("error", out var text) ? text.GetString() : null;
            results.Add(result.GetProperty("status").GetInt32() switch
            {
                201 or 204 => new BatchPutOutcome(new PutResult(RequireVersion(version), null), null),
                412 when version is not null && result.TryGetProperty("current", out var current) =>
                    new BatchPutOutcome(new PutResult(null, new VersionedValue(System.Text.Encoding.UTF8.GetBytes(current.GetRawText()), version)), null),
                412 => new BatchPutOutcome(new PutResult(null, null), null),
                413 => new BatchPutOutcome(null, new KvStoreValueTooLargeException(error ?? "The store refused the value as too large.")),
                var status => new BatchPutOutcome(null, new KvStoreUnavailableException($"The store answered {status} for this write: {error}")),
            });
        }
        if (results.Count != puts.Count)
        {
            throw new KvStoreUnavailableException($"The store answered {results.Count} results for {puts.Count} writes.");
        }
        return results;
    }

    /// <summary>Extends the key's expiry without rewriting it. False when the key is gone.</summary>
    public async Task<bool> TouchAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"{KeyPath(key)}/touch?ttl={Seconds(timeToLive)}"), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        EnsureAnswered(response);
        return true;
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, KeyPath(key)), cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            EnsureAnswered(response);
        }
    }

    /// <summary>Every live entry whose key starts with <paramref name="prefix"/> (streamed NDJSON from /v1/entries).</summary>
    public async Task<IReadOnlyList<ListedEntry>> ListEntriesAsync(string prefix, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/entries?prefix=" + Uri.EscapeDataString(prefix)), cancellationToken);
        EnsureAnswered(response);
        var entries = new List<ListedEntry>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { Length: > 0 } line)
        {
            using var entry = JsonDocument.Parse(line);
            var root = entry.RootElement;
            entries.Add(new ListedEntry(root.GetProperty("key").GetString()!, root.GetProperty("value").Clone(),
                $"\"{root.GetProperty("version").GetInt64().ToString(CultureInfo.InvariantCulture)}\""));
        }
        return entries;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                var response = await http.SendAsync(request, cancellationToken);
                if (ServerTimings.Current is { } timings)
                {
                    // The call as web saw it, then the store's own stages (store-app, store-commit…).
                    timings.Add("kvstore", started, Stopwatch.GetTimestamp());
                    if (response.Headers.TryGetValues("Server-Timing", out var reported))
                    {
                        timings.AddReported("store-", reported);
                    }
                }
                return response;
            }
            catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw new KvStoreUnavailableException($"The store did not answer {request.Method}: {ex.GetType().Name}.", ex);
            }
        }
    }

    private static void EnsureAnswered(HttpResponseMessage response)
    {
        if (response.StatusCode == HttpStatusCode.RequestEntityTooLarge)
        {
            throw new KvStoreValueTooLargeException("The store refused the write as too large (413).");
        }
        if (!response.IsSuccessStatusCode)
        {
            throw new KvStoreUnavailableException($"The store answered {(int)response.StatusCode}.");
        }
    }

    private static string KeyPath(string key) => "/v1/keys/" + Uri.EscapeDataString(key);

    /// <summary>Whole seconds, rounded up, at least 1: the store's ttl unit.</summary>
    private static long TimeToLiveSeconds(TimeSpan timeToLive) => Math.Max(1, (long)Math.Ceiling(timeToLive.TotalSeconds));

    private static string Seconds(TimeSpan timeToLive) => TimeToLiveSeconds(timeToLive).ToString(CultureInfo.InvariantCulture);

    /// <summary>The version a successful write or read must carry.</summary>
    private static string RequireVersion(string? version) => version ?? throw new KvStoreUnavailableException("The store answered without a version.");
}
