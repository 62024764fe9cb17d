using System.Buffers;
using System.Text.Json;
using Counter.KvStore.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>Writes stored JSON straight to the response, without re-parsing values.</summary>
public static class JsonResponses
{
    public const string JsonContentType = "application/json";
    public const string NdjsonContentType = "application/x-ndjson";

    /// <summary>412 whose body is the value that won (the caller asked for it with Prefer: return=representation).</summary>
    public static CurrentValueResult PreconditionFailedWith(byte[] current) => new(StatusCodes.Status412PreconditionFailed, current);

    /// <summary><c>{"key": value}</c>, the original API's answer shape; a missing value is <c>null</c>.</summary>
    public static FileContentHttpResult KeyAndValue(string key, byte[]? value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName(key);
            if (value is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                writer.WriteRawValue(value, skipInputValidation: true);
            }
            writer.WriteEndObject();
        }
        return TypedResults.Bytes(buffer.ToArray(), JsonContentType);
    }

    /// <summary><c>{"keys": [...]}</c> streamed page by page: listing a million keys holds one page in memory.</summary>
    public static PushStreamHttpResult StreamKeys(IAsyncEnumerable<StoredEntry> entries) =>
        TypedResults.Stream(async stream =>
        {
            await using var writer = new Utf8JsonWriter(stream);
            writer.WriteStartObject();
            writer.WriteStartArray("keys");
            await foreach (var entry in entries)
            {
                writer.WriteStringValue(entry.Key);
                if (writer.BytesPending > 16 * 1024)
                {
                    await writer.FlushAsync();
                }
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }, JsonContentType);

    /// <summary>
    /// One JSON object per line: <c>{"key":..,"version":..,"expiresAt":..,"value":..}</c>. Lines gather in
    /// a buffer that goes out every <see cref="StreamChunkBytes"/>, not one write per entry: a million
    /// entries are a few hundred writes.
    /// </summary>
    public static PushStreamHttpResult StreamEntries(IAsyncEnumerable<StoredEntry> entries) =>
        TypedResults.Stream(async stream =>
        {
            var buffer = new ArrayBufferWriter<byte>(StreamChunkBytes * 2);
            using var writer = new Utf8JsonWriter(buffer);
            await foreach (var entry in entries)
            {
                writer.WriteStartObject();
                writer.WriteString("key", entry.Key);
                writer.WriteNumber("version", entry.Version);
                if (entry.ExpiresAt is { } expires)
                {
                    writer.WriteString("expiresAt", expires);
                }
                writer.WritePropertyName("value");
                writer.WriteRawValue(entry.Value, skipInputValidation: true);
                writer.WriteEndObject();
                writer.Flush();
                writer.Reset();
                buffer.Write("\n"u8);
                if (buffer.WrittenCount >= StreamChunkBytes)
                {
                    await stream.WriteAsync(buffer.WrittenMemory);
                    buffer.ResetWrittenCount();
                }
            }
            await stream.WriteAsync(buffer.WrittenMemory);
        }, NdjsonContentType);

    private const int StreamChunkBytes = 32 * 1024;

    /// <summary>A stored JSON value as the body of a non-2xx answer (the winner of a refused write).</summary>
    public sealed class CurrentValueResult(int status, byte[] json) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = JsonContentType;
            httpContext.Response.ContentLength = json.Length;
            return httpContext.Response.Body.WriteAsync(json).AsTask();
        }
    }
}
