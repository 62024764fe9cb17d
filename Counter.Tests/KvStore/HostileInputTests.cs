using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

/// <summary>
/// Thousands of generated malformed requests against the store's API and the web pages (fixed
/// seed, so a failure reproduces): never a 5xx, and the data already stored is byte-for-byte
/// what it was. A bounded fuzz run; the longer campaign is separate.
/// </summary>
[Collection(EmbeddedApp.Name)]
[Trait("Category", "Reliability")]
public sealed class HostileInputTests(EmbeddedAppFixture app)
{
    private static readonly int Requests = ReliabilityReport.FuzzRequests;
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];
    private static readonly string[] ContentTypes =
        ["application/json", "application/x-www-form-urlencoded", "text/plain", "application/merge-patch+json", "multipart/form-data; boundary=x", ""];

    [Fact]
    public async Task GeneratedMalformedRequestsGetNo5xxAndChangeNoStoredData()
    {
        var random = new Random(20261129);
        var prefix = $"fuzz{Guid.NewGuid():N}-";
        using var store = app.CreateStoreClient();
        // Data the generator never addresses with a valid write: it must come through byte-for-byte.
        var kept = prefix + "kept-";
        using (var seed = await store.PostAsync("/", new StringContent($$"""{"{{kept}}a": {"count": 1}, "{{kept}}b": [1, "x", null]}""", Encoding.UTF8, "application/json")))
        {
            seed.EnsureSuccessStatusCode();
        }
        var before = await store.GetStringAsync($"/v1/entries?prefix={kept}");
        using var web = new HttpClient { BaseAddress = app.WebUrl, Timeout = TestTimeouts.Request };

        var failures = new List<string>();
        for (var i = 0; i < Requests; i++)
        {
            var toStore = random.Next(3) > 0;
            using var request = new HttpRequestMessage(new HttpMethod(Pick(random, Methods)), toStore ? StorePath(random, prefix) : WebPath(random));
            if (random.Next(2) == 0)
            {
                var body = Body(random);
                request.Content = new ByteArrayContent(body);
                // As a well-behaved client does for large uploads: let the server refuse before the bytes are sent.
                request.Headers.ExpectContinue = body.Length > 16 * 1024;
                if (Pick(random, ContentTypes) is { Length: > 0 } type)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", type);
                }
            }
            if (toStore && random.Next(4) > 0)
            {
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {CounterAppFixture.OperationsCredential}");
            }
            AddHostileHeaders(random, request);
            // One connection per request, so a server closing after a refused upload cannot affect the next one.
            request.Headers.ConnectionClose = true;
            try
            {
                using var response = await (toStore ? store : web).SendAsync(request);
                if ((int)response.StatusCode >= 500)
                {
                    failures.Add($"{request.Method} {request.RequestUri} → {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (HttpRequestException) when (request.Content?.Headers.ContentLength > 1024 * 1024)
            {
                // Over the body limit on a route that does not read bodies: Kestrel answers and
                // closes rather than drain it, which the client may see as a broken pipe. Not a 5xx.
            }
            catch (HttpRequestException ex)
            {
                failures.Add($"{request.Method} {request.RequestUri} (body {request.Content?.Headers.ContentLength}, headers {request.Headers.Sum(h => h.Key.Length + h.Value.Sum(v => v.Length))} chars) → {ex.Message} / {ex.InnerException?.Message}");
            }
        }

        var unchanged = before == await store.GetStringAsync($"/v1/entries?prefix={kept}");
        ReliabilityReport.Add("Hostile input", $"{Requests} generated malformed requests (seed 20261129), store API and pages", "bad/deep JSON, invalid UTF-8, bodies to 1.2 MB, 30 KB headers, path tricks, wrong methods and types, garbage cookies",
            Requests, $"{failures.Count}× 5xx or broken connection", unchanged ? 0 : 1);
        Assert.True(failures.Count == 0, $"{failures.Count} answers were 5xx, e.g.:\n{string.Join("\n", failures.Take(5))}");
        Assert.Contains("\"count\": 1", before, StringComparison.Ordinal);
        Assert.True(unchanged, "The seeded entries changed.");
    }

    private static string StorePath(Random random, string prefix) => random.Next(8) switch
    {
        0 => "/",
        1 => $"/{Key(random, prefix)}",
        2 => $"/v1/keys/{Key(random, prefix)}?ttl={Pick(random, ["0", "-1", "abc", "99999999999", "1", ""])}",
        3 => $"/v1/keys/{Key(random, prefix)}/touch?ttl={random.Next(-5, 5)}",
        4 => $"/v1/keys?prefix={Key(random, prefix)}&limit={random.Next(-10, 5000)}&cursor={Garbage(random, 20)}",
        5 => $"/v1/entries?prefix={Garbage(random, 10)}",
        6 => $"/?prefix={Garbage(random, 30)}",
        _ => "/" + string.Join('/', Enumerable.Range(0, random.Next(1, 5)).Select(_ => Garbage(random, 12))),
    };

    private static string WebPath(Random random) => Pick(random, ["/", "/reset", "/about", "/count", "/%2e%2e/etc/passwd", "/reset?x=1", "/_testing", "/" + Garbage(random, 16)]);

    // Valid writes land under this test's prefix (a, b, newN), never on the seeded "kept-" keys.
    private static string Key(Random random, string prefix) => random.Next(6) switch
    {
        0 => prefix + "a",
        1 => prefix + "b",
        2 => Garbage(random, random.Next(0, 300)),
        3 => "%2e%2e%2f" + prefix,
        4 => new string('k', random.Next(240, 1100)),
        _ => prefix + "new" + random.Next(1000),
    };

    private static byte[] Body(Random random) => random.Next(7) switch
    {
        0 => Encoding.UTF8.GetBytes(new string('[', random.Next(1, 3000))),
        1 => [.. "{\"a\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8],
        2 => Encoding.UTF8.GetBytes("{\"" + Garbage(random, 40) + "\": " + Garbage(random, 40) + "}"),
        3 => new byte[random.Next(60_000, 1_200_000)],
        4 => Encoding.UTF8.GetBytes("a=1&b=%ZZ&" + new string('c', random.Next(5000))),
        5 => [.. Enumerable.Range(0, random.Next(1, 500)).Select(_ => (byte)random.Next(256))],
        _ => Encoding.UTF8.GetBytes("{\"ok\": 1, \"ok\": 2, \"nested\": {\"deep\": [[[[[]]]]]}}"),
    };

    private static void AddHostileHeaders(Random random, HttpRequestMessage request)
    {
        switch (random.Next(5))
        {
            case 0:
                request.Headers.TryAddWithoutValidation("If-Match", Pick(random, ["\"abc\"", "W/\"1\"", "*", "\"1\", \"2\"", Garbage(random, 10)]));
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("If-None-Match", Pick(random, ["\"1\"", "*", Garbage(random, 10)]));
                break;
            case 2:
                request.Headers.TryAddWithoutValidation("Cookie", $"session={Garbage(random, random.Next(0, 5000))}; counter.csrf={Garbage(random, 50)}");
                break;
            case 3:
                request.Headers.TryAddWithoutValidation("X-Big", new string('h', random.Next(1000, 30_000)));
                break;
        }
    }

    private static string Garbage(Random random, int length)
    {
        const string Alphabet = "abcXYZ019-_.:~%/\\?#[]{}\"' <>&=+*$!@,;|^`";
        return Uri.EscapeDataString(new string([.. Enumerable.Range(0, length).Select(_ => Alphabet[random.Next(Alphabet.Length)])]));
    }

    private static string Pick(Random random, string[] choices) => choices[random.Next(choices.Length)];
}
