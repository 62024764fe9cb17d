using System.Text;
using Counter.KvStore.Api;
using Microsoft.AspNetCore.Http;

namespace Counter.Tests.KvStore;

/// <summary>The one request-body reader of the store's APIs: media type (415), size (413), one valid JSON value (400).</summary>
[Trait("Category", "Unit")]
public sealed class RequestBodyTests
{
    private const string WhatToSend = "Send JSON.";

    [Theory]
    [InlineData("application/json", """{"a":1}""")]
    [InlineData("application/json; charset=utf-8", "42")]
    [InlineData("application/merge-patch+json", "\"text\"")]
    public async Task OneValidJsonValueIsRead(string contentType, string body)
    {
        var (json, problem) = await ReadAsync(contentType, body, limit: 100);

        Assert.Null(problem);
        Assert.Equal(body, Encoding.UTF8.GetString(json!));
    }

    [Theory]
    [InlineData(null, "1", 100, StatusCodes.Status415UnsupportedMediaType, WhatToSend)]
    [InlineData("text/plain", "1", 100, StatusCodes.Status415UnsupportedMediaType, WhatToSend)]
    [InlineData("application/jsonx", "1", 100, StatusCodes.Status415UnsupportedMediaType, WhatToSend)]
    [InlineData("application/json-patch", "1", 100, StatusCodes.Status415UnsupportedMediaType, WhatToSend)]
    [InlineData("application/x+jsonp", "1", 100, StatusCodes.Status415UnsupportedMediaType, WhatToSend)]
    [InlineData("text/json+x", "1", 100, StatusCodes.Status415UnsupportedMediaType, WhatToSend)]
    [InlineData("application/json", "[1,2,3,4,5]", 5, StatusCodes.Status413PayloadTooLarge, "limit")]
    [InlineData("application/json", "", 100, StatusCodes.Status400BadRequest, "empty")]
    [InlineData("application/json", "{\"a\":", 100, StatusCodes.Status400BadRequest, "not valid JSON")]
    [InlineData("application/json", "1 2", 100, StatusCodes.Status400BadRequest, "after a single JSON value")]
    [InlineData("application/json", " \r\n ", 100, StatusCodes.Status400BadRequest, "empty")]
    public async Task AnythingElseIsAProblemThatSaysWhat(string? contentType, string body, int limit, int status, string detail)
    {
        var (json, problem) = await ReadAsync(contentType, body, limit);

        Assert.Null(json);
        Assert.Equal(status, problem?.StatusCode);
        Assert.Contains(detail, problem!.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestingPastTheDepthLimitIsRefused()
    {
        var deep = new string('[', RequestBody.MaxJsonDepth + 1) + new string(']', RequestBody.MaxJsonDepth + 1);

        var (_, problem) = await ReadAsync("application/json", deep, limit: 1000);

        Assert.Equal(StatusCodes.Status400BadRequest, problem?.StatusCode);
    }

    [Fact]
    public async Task InvalidUtf8IsRefused()
    {
        var context = Request("application/json", [(byte)'"', 0xC3, 0x28, (byte)'"']);

        var (_, problem) = await RequestBody.ReadJsonAsync(context.Request, 100, WhatToSend, CancellationToken.None);

        Assert.Contains("UTF-8", problem?.ProblemDetails.Detail, StringComparison.Ordinal);
    }

    private static Task<(byte[]? Json, Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult? Problem)> ReadAsync(string? contentType, string body, int limit) =>
        RequestBody.ReadJsonAsync(Request(contentType, Encoding.UTF8.GetBytes(body)).Request, limit, WhatToSend, CancellationToken.None);

    private static DefaultHttpContext Request(string? contentType, byte[] body)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = contentType;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        return context;
    }
}
