using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>
/// Reads a request body with a hard size limit and checks that it is valid JSON: one reader for
/// every store API, so each answers a wrong media type (415), an oversized body (413) and malformed
/// JSON (400) the same way.
/// </summary>
public static class RequestBody
{
    public const int MaxJsonDepth = 64;

    /// <summary>
    /// The body as one valid JSON value of at most <paramref name="limit"/> bytes; otherwise the
    /// problem to answer: 415 (saying <paramref name="whatToSend"/>), 413 or 400.
    /// </summary>
    public static async Task<(byte[]? Json, ProblemHttpResult? Problem)> ReadJsonAsync(
        HttpRequest request, int limit, string whatToSend, CancellationToken cancellationToken)
    {
        // application/json or a +json type (application/merge-patch+json), parsed as a media type:
        // application/jsonx or application/x+jsonp are not JSON.
        if (!request.HasJsonContentType())
        {
            return (null, Problems.UnsupportedMediaType(whatToSend));
        }
        var (body, tooLarge) = await ReadAsync(request, limit, cancellationToken);
        if (tooLarge is not null)
        {
            return (null, tooLarge);
        }
        return CheckJson(body) is { } invalid ? (null, Problems.BadRequest(invalid)) : (body, null);
    }

    /// <summary>The body's bytes, or a 413 problem when it exceeds <paramref name="limit"/>.</summary>
    private static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return (null, Problems.TooLarge($"The body is {request.ContentLength} bytes; the limit is {limit}."));
        }
        var reader = request.BodyReader;
        while (true)
        {
            ReadResult read;
            try
            {
                read = await reader.ReadAsync(cancellationToken);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return (null, Problems.TooLarge($"The body exceeds the limit of {limit} bytes."));
            }
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (null, Problems.TooLarge($"The body exceeds the limit of {limit} bytes."));
            }
            if (read.IsCompleted)
            {
                var body = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return (body, null);
            }
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>Null when <paramref name="json"/> is one valid JSON value within the depth limit.</summary>
    internal static string? CheckJson(ReadOnlySpan<byte> json)
    {
        // The JSON reader does not check UTF-8 inside strings it is not asked to decode.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return "The body is not valid UTF-8.";
        }
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            return "The body is empty; expected a JSON value.";
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
        try
        {
            reader.Read();
            reader.Skip();
            // Reading past the value throws when anything but whitespace follows it (a second value, garbage).
            reader.Read();
            return null;
        }
        catch (JsonException ex)
        {
            return $"The body is not valid JSON: {ex.Message}";
        }
    }
}
