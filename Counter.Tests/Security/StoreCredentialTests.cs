using System.Net.Http.Headers;
using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// Least privilege: the web tier's store credential does what a session layer does and nothing
/// more; listing, dumping, counting and clearing need the operations credential. Web's own test
/// hook asks for web's credential.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class StoreCredentialTests(EmbeddedAppFixture app) : IDisposable
{
    private readonly HttpClient _web = app.CreateStoreClient(CounterAppFixture.WebCredential);
    private readonly HttpClient _operations = app.CreateStoreClient();
    private readonly string _key = $"session:c{Guid.NewGuid():N}";

    [Fact]
    public async Task TheWebCredentialReadsWritesTouchesBatchesAndDeletesSingleKeys()
    {
        using var put = await _web.PutAsync($"/v1/keys/{_key}?ttl=60", Json("{\"count\":1}"));
        using var read = await _web.GetAsync($"/v1/keys/{_key}");
        using var touch = await _web.PostAsync($"/v1/keys/{_key}/touch?ttl=60", null);
        using var batch = await _web.PostAsync("/v1/batch", Json($$"""{"puts":[{"key":"{{_key}}","value":2,"ifMatch":{{System.Text.Json.JsonSerializer.Serialize(read.Headers.ETag!.Tag)}}}]}"""));
        using var keyRing = await _web.GetAsync("/v1/entries?prefix=dataprotection:");
        using var delete = await _web.DeleteAsync($"/v1/keys/{_key}");

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, touch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, batch.StatusCode);
        Assert.Contains("\"status\":204", await batch.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, keyRing.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/v1/entries?prefix=session:")]
    [InlineData("GET", "/v1/entries")]
    [InlineData("GET", "/v1/entries?prefix=dataprotection:&prefix=session:")]
    [InlineData("GET", "/v1/keys?prefix=session:")]
    [InlineData("GET", "/v1/keys?prefix=dataprotection:")]
    [InlineData("GET", "/v1/count?prefix=session:")]
    [InlineData("DELETE", "/v1/keys?prefix=session:")]
    [InlineData("GET", "/?prefix=session:")]
    [InlineData("GET", "/session:anything")]
    [InlineData("DELETE", "/session:anything")]
    [InlineData("POST", "/_testing/clock?offsetSeconds=0")]
    [InlineData("GET", "/openapi/v1.json")]
    public async Task TheWebCredentialGets403OnListingDumpingClearingAndTheOriginalApi(string method, string path)
    {
        using var kept = await _operations.PutAsync($"/v1/keys/{_key}?ttl=60", Json("1"));
        kept.EnsureSuccessStatusCode();

        using var refused = await _web.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        // The same call with the operations credential, narrowed to keys no other test has.
        var narrowed = path.Replace("session:anything", _key + "x", StringComparison.Ordinal).Replace("prefix=session:", $"prefix={_key}x", StringComparison.Ordinal);
        using var allowed = await _operations.SendAsync(new HttpRequestMessage(new HttpMethod(method), narrowed));

        await ProblemAssert.IsAsync(refused, HttpStatusCode.Forbidden, "operations credential");
        Assert.True(allowed.IsSuccessStatusCode || allowed.StatusCode == HttpStatusCode.BadRequest,
            $"The operations credential got {(int)allowed.StatusCode} on {method} {path}.");
        // Nothing the refused call could have done happened: the key is still there.
        Assert.Equal("1", await _operations.GetStringAsync($"/v1/keys/{_key}"));
    }

    [Fact]
    public async Task TheWebCredentialCreatesKeyRingEntriesButNeverReplacesTouchesOrDeletesThem()
    {
        var key = $"dataprotection:sealed:key-{Guid.NewGuid():D}";
        var secondKey = $"dataprotection:sealed:key-{Guid.NewGuid():D}";
        using var create = new HttpRequestMessage(HttpMethod.Put, $"/v1/keys/{key}") { Content = Json("\"<key/>\"") };
        create.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
        using var created = await _web.SendAsync(create);
        var etag = created.Headers.ETag!.Tag;

        using var replace = await _web.PutAsync($"/v1/keys/{key}", Json("\"<planted/>\""));
        using var conditional = new HttpRequestMessage(HttpMethod.Put, $"/v1/keys/{key}") { Content = Json("\"<planted/>\"") };
        conditional.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        using var replaceAtVersion = await _web.SendAsync(conditional);
        using var touch = await _web.PostAsync($"/v1/keys/{key}/touch?ttl=1", null);
        using var delete = await _web.DeleteAsync($"/v1/keys/{key}");
        using var batch = await _web.PostAsync("/v1/batch", Json($$"""{"puts":[{"key":"{{_key}}","value":1},{"key":"{{key}}","value":"<planted/>","ifMatch":{{System.Text.Json.JsonSerializer.Serialize(etag)}}}]}"""));
        using var newKeyRingKey = await _web.PostAsync("/v1/batch", Json($$"""{"puts":[{"key":"{{secondKey}}","value":"<key/>","ifNoneMatch":"*"}]}"""));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await ProblemAssert.IsAsync(replace, HttpStatusCode.Forbidden, "only create");
        await ProblemAssert.IsAsync(replaceAtVersion, HttpStatusCode.Forbidden, "only create");
        await ProblemAssert.IsAsync(touch, HttpStatusCode.Forbidden, "only create");
        await ProblemAssert.IsAsync(delete, HttpStatusCode.Forbidden, "only create");
        await ProblemAssert.IsAsync(batch, HttpStatusCode.Forbidden, "only create");
        Assert.Contains("\"status\":201", await newKeyRingKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Nothing was replaced, and the refused batch wrote none of its puts.
        Assert.Equal("\"<key/>\"", await _operations.GetStringAsync($"/v1/keys/{key}"));
        using var sessionKey = await _operations.GetAsync($"/v1/keys/{_key}");
        Assert.Equal(HttpStatusCode.NotFound, sessionKey.StatusCode);
        // The operations credential is not bound by the rule.
        using var cleared = await _operations.DeleteAsync($"/v1/keys/{key}");
        using var clearedSecond = await _operations.DeleteAsync($"/v1/keys/{secondKey}");
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, clearedSecond.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(CounterAppFixture.OperationsCredential)]
    [InlineData("wrong-credential-0123456789")]
    public async Task WebsClockHookRefusesCallsWithoutWebsCredential(string? credential)
    {
        using var client = new HttpClient { BaseAddress = app.WebUrl, Timeout = TestTimeouts.Request };
        if (credential is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        }

        using var response = await client.PostAsync("/_testing/clock?offsetSeconds=0", null);

        await ProblemAssert.IsAsync(response, HttpStatusCode.Unauthorized, "Bearer");
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1e400")]
    [InlineData("")]
    public async Task WebsClockHookAnswers400ToABadOffset(string offset)
    {
        using var client = app.CreateWebHookClient();

        using var response = await client.PostAsync($"/_testing/clock?offsetSeconds={offset}", null);

        await ProblemAssert.IsAsync(response, HttpStatusCode.BadRequest, "offsetSeconds");
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public void Dispose()
    {
        _web.Dispose();
        _operations.Dispose();
    }
}
