using System.Buffers;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text.Json;
using Counter.ServiceDefaults;

namespace Counter.KvStore.Dump;

/// <summary>
/// The original <c>dump.py</c>: prints one line per active session, <c>{"key": value}</c>, read
/// from a running store's streamed dump. Usage:
/// <c>KVSTORE_CREDENTIAL=&lt;operations credential&gt; dump [--url http://localhost:5100] [--prefix session:]</c>.
/// The credential comes from the environment only: a command-line argument shows in every user's
/// process list (<c>ps</c>, /proc/*/cmdline) and in shell history.
/// </summary>
public static class DumpCommand
{
    public const string DefaultPrefix = StoreKeyPrefixes.Sessions;

    public static async Task<int> RunAsync(string[] args)
    {
        var url = Option(args, "--url") ?? Environment.GetEnvironmentVariable("KVSTORE_URL") ?? "http://localhost:5100";
        var credential = Environment.GetEnvironmentVariable("KVSTORE_CREDENTIAL");
        var prefix = Option(args, "--prefix") ?? DefaultPrefix;
        if (args.Contains("--credential"))
        {
            await Console.Error.WriteLineAsync("dump: --credential is refused: an argument shows in the process list. Set KVSTORE_CREDENTIAL instead.");
            return 2;
        }
        if (string.IsNullOrEmpty(credential))
        {
            await Console.Error.WriteLineAsync("dump: set KVSTORE_CREDENTIAL to the store's operations credential (the AppHost's kvstore-operations-credential parameter).");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        using var response = await http.GetAsync($"/v1/entries?prefix={Uri.EscapeDataString(prefix)}", HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync($"dump: the store answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return 1;
        }

        await using var stream = await response.Content.ReadAsStreamAsync();
        await using var stdout = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
        var input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        while (true)
        {
            var read = await input.ReadAsync();
            var buffer = read.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                WriteLine(stdout, buffer.Slice(0, end));
                buffer = buffer.Slice(buffer.GetPosition(1, end));
            }
            input.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }
        await input.CompleteAsync();
        await stdout.FlushAsync();
        return 0;
    }

    /// <summary>
    /// One store line <c>{"key":..,"version":..,"value":..}</c> as the original's <c>{"key": value}</c>:
    /// the value's bytes are copied as they are, never parsed into a document.
    /// </summary>
    private static void WriteLine(Stream output, ReadOnlySequence<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        string? key = null;
        ReadOnlySequence<byte> value = default;
        reader.Read(); // {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueTextEquals("key"u8) ? 1 : reader.ValueTextEquals("value"u8) ? 2 : 0;
            reader.Read();
            var start = reader.TokenStartIndex;
            reader.Skip();
            if (name == 1)
            {
                key = reader.GetString();
            }
            else if (name == 2)
            {
                value = line.Slice(start, reader.BytesConsumed - start);
            }
        }
        // JsonEncodedText escapes exactly as JsonSerializer does, so lines match the earlier output.
        output.Write("{\""u8);
        output.Write(JsonEncodedText.Encode(key ?? "").EncodedUtf8Bytes);
        output.Write("\": "u8);
        if (value.IsEmpty)
        {
            output.Write("null"u8);
        }
        foreach (var segment in value)
        {
            output.Write(segment.Span);
        }
        output.Write("}\n"u8);
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
