using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Counter.KvStore.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>Reads a request body with a hard size limit and checks that it is valid JSON.</summary>
public static class RequestBody
{
    public const int MaxJsonDepth = 64;

    public static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type
        && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.Contains("+json", StringComparison.OrdinalIgnoreCase)));

    /// <summary>The body's bytes, or a 413 problem when it exceeds <paramref name="limit"/>.</summary>
    public static async Task<(byte[]? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
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
    public static string? CheckJson(ReadOnlySpan<byte> json)
    {
        // The JSON reader does not check UTF-8 inside strings it is not asked to decode.
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            return "The body is not valid UTF-8.";
        }
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
        try
        {
            if (!reader.Read())
            {
                return "The body is empty; expected a JSON value.";
            }
            reader.Skip();
            if (reader.Read())
            {
                return "The body holds more than one JSON value.";
            }
            return null;
        }
        catch (JsonException ex)
        {
            return $"The body is not valid JSON: {ex.Message}";
        }
    }

    /// <summary>Checks a single value against the value-size limit and JSON validity.</summary>
    public static ProblemHttpResult? CheckValue(ReadOnlySpan<byte> value, StorageOptions options)
    {
        if (value.Length > options.MaxValueBytes)
        {
            return Problems.TooLarge($"The value is {value.Length} bytes; the limit is {options.MaxValueBytes}.");
        }
        return CheckJson(value) is { } error ? Problems.BadRequest(error) : null;
    }
}
