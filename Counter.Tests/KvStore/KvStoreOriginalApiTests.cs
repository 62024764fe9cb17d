using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

/// <summary>Every row of the original store's API table (docs/kv-api.md), and its bad-input answers.</summary>
public abstract class KvStoreOriginalApiTests(CounterAppFixture app) : IDisposable
{
    private readonly HttpClient _store = app.CreateStoreClient();
    private readonly string _prefix = $"t{Guid.NewGuid():N}-";

    [Fact]
    public async Task PostJsonObjectSetsEachKeyAndAnswersTheObject()
    {
        var body = P("""{"@a": 1, "@b": {"nested": [true, null, "x"]}}""");

        using var response = await _store.PostAsync("/", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, answer.RootElement.GetProperty($"{_prefix}a").GetInt32());
        Assert.Equal(P("""{"@a":1}"""), await _store.GetStringAsync($"/{_prefix}a"));
        Assert.Equal(P("""{"@b":{"nested": [true, null, "x"]}}"""), await _store.GetStringAsync($"/{_prefix}b"));
    }

    [Fact]
    public async Task PostFormBodyStoresEachFieldAsAString()
    {
        using var response = await _store.PostAsync("/", new FormUrlEncodedContent(new Dictionary<string, string> { [$"{_prefix}f"] = "hello world" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(P("""{"@f":"hello world"}"""), await _store.GetStringAsync($"/{_prefix}f"));
    }

    [Fact]
    public async Task GetOfAnAbsentKeyAnswersNull()
    {
        Assert.Equal(P("""{"@missing":null}"""), await _store.GetStringAsync($"/{_prefix}missing"));
    }

    [Fact]
    public async Task DeleteAnswersTheOldValueAndRemovesTheKey()
    {
        await SetAsync(P("""{"@d": {"count": 7}}"""));

        using var response = await _store.DeleteAsync($"/{_prefix}d");

        Assert.Equal(P("""{"@d":{"count": 7}}"""), await response.Content.ReadAsStringAsync());
        Assert.Equal(P("""{"@d":null}"""), await _store.GetStringAsync($"/{_prefix}d"));
        using var again = await _store.DeleteAsync($"/{_prefix}d");
        Assert.Equal(P("""{"@d":null}"""), await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ListingAnswersKeysWithThePrefix()
    {
        await SetAsync(P("""{"@x1": 1, "@x2": 2, "@y": 3}"""));

        var listed = await _store.GetFromJsonAsync<KeyList>($"/?prefix={_prefix}x");
        var all = await _store.GetFromJsonAsync<KeyList>("/");

        Assert.Equal([$"{_prefix}x1", $"{_prefix}x2"], listed!.Keys.Order(StringComparer.Ordinal));
        Assert.Contains($"{_prefix}y", all!.Keys);
    }

    [Theory]
    [InlineData("{\"k\": ", "not valid JSON")]
    [InlineData("[1, 2]", "must be a JSON object")]
    [InlineData("42", "must be a JSON object")]
    [InlineData("{\"\": 1}", "The key is empty")]
    [InlineData("{\"a b\": 1}", "may contain only")]
    [InlineData("{\"../etc\": 1}", "may contain only")]
    [InlineData("{\"health\": 1}", "reserved")]
    public async Task BadBodiesGet400WithAProblemAndChangeNothing(string body, string expectedDetail)
    {
        await SetAsync(P("""{"@keep": "original"}"""));

        using var response = await _store.PostAsync("/", new StringContent(body.Replace("\"k\"", $"\"{_prefix}keep\"", StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, expectedDetail);
        Assert.Equal(P("""{"@keep":"original"}"""), await _store.GetStringAsync($"/{_prefix}keep"));
    }

    [Fact]
    public async Task InvalidUtf8Gets400()
    {
        var body = new ByteArrayContent([.. "{\"a\":\""u8, 0xFF, .. "\"}"u8]);
        body.Headers.ContentType = new("application/json");

        using var response = await _store.PostAsync("/", body);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "UTF-8");
    }

    [Fact]
    public async Task AValueOverTheLimitGets413AndChangesNothing()
    {
        await SetAsync(P("""{"@big": 1}"""));
        var huge = new string('x', 70 * 1024);

        using var response = await _store.PostAsync("/", new StringContent(P("""{"@big": "HUGE"}""").Replace("HUGE", huge, StringComparison.Ordinal), Encoding.UTF8, "application/json"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.RequestEntityTooLarge, "limit");
        Assert.Equal(P("""{"@big":1}"""), await _store.GetStringAsync($"/{_prefix}big"));
    }

    [Fact]
    public async Task ABodyOverTheLimitGets413()
    {
        // Expect: 100-continue lets the store refuse on Content-Length before the client sends 2 MiB.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new StringContent(new string(' ', 2 * 1024 * 1024) + "{}", Encoding.UTF8, "application/json"),
            Headers = { ExpectContinue = true },
        };
        using var response = await _store.SendAsync(request);

        await ProblemAssert.IsAsync(response, HttpStatusCode.RequestEntityTooLarge, "limit");
    }

    [Fact]
    public async Task AnUnsupportedContentTypeGets415()
    {
        using var response = await _store.PostAsync("/", new StringContent("a=1", Encoding.UTF8, "text/plain"));

        await ProblemAssert.IsAsync(response, HttpStatusCode.UnsupportedMediaType, "JSON");
    }

    [Fact]
    public async Task AWrongMethodGets405()
    {
        using var response = await _store.PutAsync($"/{_prefix}k", new StringContent("1", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task AKeyWithForbiddenCharactersGets400()
    {
        using var response = await _store.GetAsync("/a%20b");

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "may contain only");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-credential-0123456789")]
    public async Task CallsWithoutTheCredentialGet401(string? credential)
    {
        using var anonymous = app.CreateStoreClient(credential);

        using var read = await anonymous.GetAsync("/anything");
        using var write = await anonymous.PostAsync("/", new StringContent("{\"x\":1}", Encoding.UTF8, "application/json"));
        using var health = await anonymous.GetAsync("/health");

        await ProblemAssert.IsAsync(read, HttpStatusCode.Unauthorized, "Bearer");
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private async Task SetAsync(string json)
    {
        using var response = await _store.PostAsync("/", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"Setting up the test's keys: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Puts this test's key prefix where the JSON says '@'.</summary>
    private string P(string json) => json.Replace("@", _prefix, StringComparison.Ordinal);

    public void Dispose()
    {
        _store.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed record KeyList(List<string> Keys);
}
