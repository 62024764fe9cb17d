using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Counter.KvStore.Api;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// What a stolen web credential can put in the Data Protection key ring: only names of the ring's
/// own pattern (what the repository writes: <c>key-&lt;guid&gt;</c>, <c>revocation-&lt;guid&gt;</c>,
/// <c>revocation-&lt;date&gt;</c>, sealed or plain), values of a bounded size, and a bounded number of
/// entries, so that planted entries cannot keep the ring from loading. The real store process,
/// called with web's credential; the operations credential is not bound.
/// </summary>
public sealed class KeyRingWriteLimitTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("counter-keyring-limits-");

    [Fact]
    public async Task TheWebCredentialCreatesOnlyNamesOfTheRingsOwnPattern()
    {
        await using var store = await StartAsync();
        using var web = WebClient(store);
        var id = Guid.NewGuid();
        string[] allowed =
        [
            $"dataprotection:sealed:key-{id:D}",
            $"dataprotection:sealed:revocation-{id:D}",
            "dataprotection:sealed:revocation-20250101T120000Z",
            "dataprotection:sealed:revocation-20250101T1200001234567Z",
            $"dataprotection:key-{id:D}",
        ];
        string[] refused =
        [
            "dataprotection:sealed:key-planted",
            $"dataprotection:sealed:key-{id:N}",
            $"dataprotection:sealed:key-{id.ToString("D").ToUpperInvariant()}",
            $"dataprotection:sealed:revocation-{id:D}x",
            "dataprotection:sealed:revocation-2025",
            $"dataprotection:sealed:sealed:key-{id:D}",
            $"dataprotection:anything-{id:D}",
        ];

        foreach (var name in allowed)
        {
            using var created = await CreateAsync(web, name, "\"<key/>\"");
            Assert.True(created.StatusCode == HttpStatusCode.Created, $"{name}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        }
        foreach (var name in refused)
        {
            using var single = await CreateAsync(web, name, "\"<key/>\"");
            using var batch = await web.PostAsync("/v1/batch", Json($$"""{"puts":[{"key":{{JsonSerializer.Serialize(name)}},"value":"<key/>","ifNoneMatch":"*"}]}"""));
            await ProblemAssert.IsAsync(single, HttpStatusCode.Forbidden, "key-<guid>");
            await ProblemAssert.IsAsync(batch, HttpStatusCode.Forbidden, "key-<guid>");
        }
        Assert.Equal(allowed.Length, await CountAsync(store));
    }

    [Fact]
    public async Task AKeyRingValueOverTheBoundIsRefused()
    {
        await using var store = await StartAsync();
        using var web = WebClient(store);
        var over = JsonSerializer.Serialize(new string('a', KeyRingWriteRule.MaxValueBytes));

        using var single = await CreateAsync(web, $"dataprotection:sealed:key-{Guid.NewGuid():D}", over);
        using var batch = await web.PostAsync("/v1/batch", Json($$"""{"puts":[{"key":"dataprotection:sealed:key-{{Guid.NewGuid():D}}","value":{{over}},"ifNoneMatch":"*"}]}"""));

        await ProblemAssert.IsAsync(single, HttpStatusCode.RequestEntityTooLarge, KeyRingWriteRule.MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ProblemAssert.IsAsync(batch, HttpStatusCode.RequestEntityTooLarge, KeyRingWriteRule.MaxValueBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, await CountAsync(store));
    }

    [Fact]
    public async Task TheWebCredentialCannotGrowTheRingPastItsBound()
    {
        await using var store = await StartAsync();
        using var web = WebClient(store);
        // Fill the ring to its bound, a batch at a time.
        for (var done = 0; done < KeyRingWriteRule.MaxEntries;)
        {
            var size = Math.Min(BatchApi.MaxPuts, KeyRingWriteRule.MaxEntries - done);
            var puts = Enumerable.Range(0, size).Select(_ => $$"""{"key":"dataprotection:sealed:key-{{Guid.NewGuid():D}}","value":"<planted/>","ifNoneMatch":"*"}""");
            using var filled = await web.PostAsync("/v1/batch", Json($$"""{"puts":[{{string.Join(',', puts)}}]}"""));
            Assert.True(filled.StatusCode == HttpStatusCode.OK, $"{(int)filled.StatusCode}: {await filled.Content.ReadAsStringAsync()}");
            done += size;
        }

        using var single = await CreateAsync(web, $"dataprotection:sealed:key-{Guid.NewGuid():D}", "\"<key/>\"");
        using var batch = await web.PostAsync("/v1/batch", Json($$"""{"puts":[{"key":"dataprotection:sealed:revocation-{{Guid.NewGuid():D}}","value":"<key/>","ifNoneMatch":"*"}]}"""));
        using var operations = store.CreateClient();
        using var byOperations = await CreateAsync(operations, $"dataprotection:sealed:key-{Guid.NewGuid():D}", "\"<key/>\"");

        var bound = KeyRingWriteRule.MaxEntries.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ProblemAssert.IsAsync(single, HttpStatusCode.Forbidden, bound);
        await ProblemAssert.IsAsync(batch, HttpStatusCode.Forbidden, bound);
        Assert.Equal(HttpStatusCode.Created, byOperations.StatusCode); // The operations credential is not bound.
        Assert.Equal(KeyRingWriteRule.MaxEntries + 1, await CountAsync(store));
    }

    private Task<KvStoreProcess> StartAsync() => KvStoreProcess.StartAsync(_data.FullName);

    private static HttpClient WebClient(KvStoreProcess store)
    {
        var client = store.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", CounterAppFixture.WebCredential);
        return client;
    }

    private static async Task<HttpResponseMessage> CreateAsync(HttpClient client, string key, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/keys/{Uri.EscapeDataString(key)}") { Content = Json(json) };
        request.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        return await client.SendAsync(request);
    }

    private static async Task<long> CountAsync(KvStoreProcess store)
    {
        using var operations = store.CreateClient();
        using var count = JsonDocument.Parse(await operations.GetStringAsync("/v1/count?prefix=dataprotection:"));
        return count.RootElement.GetProperty("count").GetInt64();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public void Dispose() => _data.Delete(recursive: true);
}
