using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Counter.Tests.Campaign;

/// <summary>
/// A store client of the campaign: one logical process doing random reads, compare-and-set writes
/// (<c>If-Match</c>), creates (<c>If-None-Match: *</c>), deletes with <c>If-Match</c> and batches on
/// the run's keys, one operation at a time, recording each with its outcome. It writes values no
/// other write writes (<c>p{process}-{n}</c>) and uses the versions its own answers showed. With
/// <paramref name="ttlSeconds"/>, every write carries that time to live (far longer than a run, so
/// nothing expires unless the store's clock is stepped past it).
/// </summary>
public sealed class StoreClient(int process, HttpClient http, HistoryRecorder history, IReadOnlyList<string> keys, Random random, int? ttlSeconds = null)
{
    private readonly Dictionary<string, long> _known = new(StringComparer.Ordinal);
    private int _written;

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var key = keys[random.Next(keys.Count)];
            var roll = random.Next(100);
            var answered = roll switch
            {
                < 35 => await ReadAsync(key),
                < 60 when _known.ContainsKey(key) => await PutAsync(key, Precondition.IfMatch),
                < 75 => await PutAsync(key, Precondition.IfNoneMatch),
                < 85 when _known.ContainsKey(key) => await DeleteAsync(key),
                < 85 => await ReadAsync(key),
                _ => await BatchAsync(),
            };
            if (!answered)
            {
                await Task.Delay(50, CancellationToken.None); // The store is down or stuck: no busy loop.
            }
        }
    }

    /// <summary>Reads a key (used at the end of a run, once every fault is healed, to see what stayed).</summary>
    public async Task<bool> ReadAsync(string key) => (await ReadOnceAsync(key)).Answered;

    /// <summary>
    /// Reads a key until the store serves it (200 or 404), each attempt recorded, for at most
    /// <paramref name="bound"/>: the last read of a run. A store just healed may refuse a read for a
    /// moment (503: on a cluster, a replica still catching up).
    /// </summary>
    public async Task<bool> ReadUntilServedAsync(string key, TimeSpan bound)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (!(await ReadOnceAsync(key)).Served)
        {
            if (deadline.Elapsed > bound)
            {
                return false;
            }
            await Task.Delay(200, CancellationToken.None);
        }
        return true;
    }

    private async Task<(bool Answered, bool Served)> ReadOnceAsync(string key)
    {
        var invoke = history.Now;
        var answer = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/keys/{key}"));
        var outcome = answer.Status switch
        {
            200 or 404 => Outcome.Ok,
            0 => answer.Transport,
            _ => Outcome.Info,
        };
        var observed = answer.Status == 200 ? JsonDocument.Parse(answer.Body).RootElement.GetString() : null;
        Remember(key, answer.Status == 200 ? answer.Version : null, outcome == Outcome.Ok);
        Record(new StoreOperation
        {
            Id = history.NextId(), Process = process, Key = key, Kind = StoreOperationKind.Read, Invoke = invoke, Return = history.Now,
            Outcome = outcome, Observed = observed, Version = answer.Status == 200 ? answer.Version : null, Note = answer.Note,
        });
        return (answer.Status != 0, outcome == Outcome.Ok);
    }

    private async Task<bool> PutAsync(string key, Precondition condition)
    {
        var value = NextValue();
        var ifMatch = condition == Precondition.IfMatch ? _known[key] : (long?)null;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/keys/{key}{(ttlSeconds is { } ttl ? $"?ttl={ttl.ToString(CultureInfo.InvariantCulture)}" : "")}")
        {
            Content = new StringContent(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Prefer", "return=representation");
        if (ifMatch is { } version)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(Quoted(version)));
        }
        else
        {
            request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        }
        var invoke = history.Now;
        var answer = await SendAsync(request);
        var outcome = WriteOutcome(answer.Status, answer.Body, answer.Transport);
        var current = answer.Status == 412 && answer.Version is not null && answer.Body.Length > 0 && answer.Body[0] == '"'
            ? JsonDocument.Parse(answer.Body).RootElement.GetString()
            : null;
        Remember(key, outcome == Outcome.Ok ? answer.Version : current is null ? null : answer.Version, outcome == Outcome.Ok || current is not null);
        Record(new StoreOperation
        {
            Id = history.NextId(), Process = process, Key = key, Kind = StoreOperationKind.Put, Condition = condition, IfMatch = ifMatch,
            Written = value, Invoke = invoke, Return = history.Now, Outcome = outcome,
            Observed = current, Version = outcome == Outcome.Ok || current is not null ? answer.Version : null, Note = answer.Note,
        });
        return answer.Status != 0;
    }

    private async Task<bool> DeleteAsync(string key)
    {
        var version = _known[key];
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/v1/keys/{key}");
        request.Headers.IfMatch.Add(new EntityTagHeaderValue(Quoted(version)));
        var invoke = history.Now;
        var answer = await SendAsync(request);
        var outcome = WriteOutcome(answer.Status, answer.Body, answer.Transport);
        Remember(key, null, outcome == Outcome.Ok);
        Record(new StoreOperation
        {
            Id = history.NextId(), Process = process, Key = key, Kind = StoreOperationKind.Delete, Condition = Precondition.IfMatch,
            IfMatch = version, Invoke = invoke, Return = history.Now, Outcome = outcome, Note = answer.Note,
        });
        return answer.Status != 0;
    }

    private async Task<bool> BatchAsync()
    {
        var batch = history.NextId();
        var items = keys.OrderBy(_ => random.Next()).Take(random.Next(1, Math.Min(4, keys.Count) + 1))
            .Select(key => (Key: key, Value: NextValue(), IfMatch: _known.TryGetValue(key, out var v) ? v : (long?)null))
            .ToList();
        var puts = new JsonArray();
        foreach (var item in items)
        {
            var put = new JsonObject { ["key"] = item.Key, ["value"] = item.Value };
            put[item.IfMatch is null ? "ifNoneMatch" : "ifMatch"] = item.IfMatch is { } version ? Quoted(version) : "*";
            if (ttlSeconds is { } ttl)
            {
                put["ttl"] = ttl;
            }
            puts.Add(put);
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/batch")
        {
            Content = new StringContent(new JsonObject { ["puts"] = puts }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        var invoke = history.Now;
        var answer = await SendAsync(request);
        var returned = history.Now;
        var results = answer.Status == 200 ? JsonNode.Parse(answer.Body)!["results"]!.AsArray() : null;
        for (var i = 0; i < items.Count; i++)
        {
            var (key, value, ifMatch) = items[i];
            var result = results?[i];
            var status = result?["status"]!.GetValue<int>() ?? 0;
            var version = result?["etag"] is { } etag ? ParseVersion(etag.GetValue<string>()) : null;
            var current = result?["current"] is { } node && node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
            var outcome = results is null ? WriteOutcome(answer.Status, answer.Body, answer.Transport)
                : WriteOutcome(status, result?["error"]?.GetValue<string>() ?? "", Outcome.Info);
            var paired = outcome == Outcome.Ok || current is not null;
            Remember(key, paired ? version : null, paired);
            Record(new StoreOperation
            {
                Id = history.NextId(), Process = process, Key = key, Kind = StoreOperationKind.Put,
                Condition = ifMatch is null ? Precondition.IfNoneMatch : Precondition.IfMatch, IfMatch = ifMatch,
                Written = value, Batch = batch, Invoke = invoke, Return = returned, Outcome = outcome,
                Observed = current, Version = paired ? version : null,
                Note = results is null ? answer.Note : status.ToString(CultureInfo.InvariantCulture),
            });
        }
        return answer.Status != 0;
    }

    /// <summary>What a write's answer means for it (docs/guarantees.md, "What an answer means").</summary>
    private static Outcome WriteOutcome(int status, string detail, Outcome transport) => status switch
    {
        0 => transport,
        200 or 201 or 204 => Outcome.Ok,
        404 or 412 or 413 or 507 => Outcome.Fail,
        // Refused before queueing (a full queue, a store shutting down) or rolled back (a disk that refused
        // the commit: "was not saved"): never applied. Any other 503 (a writer stopped by an I/O error) may have been.
        503 when detail.Contains("was not applied", StringComparison.Ordinal) || detail.Contains("was not saved", StringComparison.Ordinal)
            || detail.Contains("shutting down", StringComparison.Ordinal) => Outcome.Fail,
        400 or 401 or 403 or 415 => throw new InvalidOperationException($"The workload sent a request the store refused ({status}): {detail}"),
        _ => Outcome.Info,
    };

    private string NextValue() => $"p{process}-{++_written}";

    private void Remember(string key, long? version, bool answered)
    {
        if (version is { } known)
        {
            _known[key] = known;
        }
        else if (answered)
        {
            _known.Remove(key); // Absent (read or deleted): the next write creates.
        }
    }

    private void Record(StoreOperation operation) => history.Record(operation);

    private static string Quoted(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static long? ParseVersion(string? tag) =>
        tag is { Length: > 2 } && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;

    private async Task<Answer> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            try
            {
                using var response = await http.SendAsync(request);
                var body = await response.Content.ReadAsStringAsync();
                return new Answer((int)response.StatusCode, ParseVersion(response.Headers.ETag?.Tag), body, Outcome.Ok,
                    ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            catch (HttpRequestException e)
            {
                // Even "connection refused" is unknown: when a pooled connection dies before the answer,
                // HttpClient sends the request again on a new one, so the store may have applied the first.
                return new Answer(0, null, "", Outcome.Info, e.HttpRequestError.ToString());
            }
            catch (TaskCanceledException)
            {
                return new Answer(0, null, "", Outcome.Info, "timeout");
            }
        }
    }

    /// <summary>An HTTP answer (status 0: none came, and <see cref="Transport"/> says what that means).</summary>
    private sealed record Answer(int Status, long? Version, string Body, Outcome Transport, string Note);
}
