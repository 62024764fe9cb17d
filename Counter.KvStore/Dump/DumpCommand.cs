using System.Buffers;
using System.CommandLine;
using System.IO.Pipelines;
using System.Net.Http.Headers;
using System.Text.Json;
using Counter.ServiceDefaults;

namespace Counter.KvStore.Dump;

/// <summary>
/// The original <c>dump.py</c>: prints one line per active session, <c>{"key": value}</c>, read
/// from a running store's streamed dump. Usage:
/// <c>KVSTORE_CREDENTIAL=&lt;operations credential&gt; dump [--url http://localhost:5100] [--prefix session:]</c>
/// (<c>--help</c> lists the options). The command line is System.CommandLine's: <c>--x v</c> and
/// <c>--x=v</c> both work, and an unknown or incomplete option is an error with exit code 2, never
/// ignored. The credential comes from the environment only: a command-line argument shows in every
/// user's process list (<c>ps</c>, /proc/*/cmdline) and in shell history, so <c>--credential</c> is
/// refused, with that reason.
/// </summary>
public static class DumpCommand
{
    public const string DefaultPrefix = StoreKeyPrefixes.Sessions;

    /// <summary>Bad usage: an unknown, repeated or incomplete option, a bad value, or no credential.</summary>
    public const int UsageError = 2;

    /// <summary>The store refused or could not be reached.</summary>
    public const int StoreError = 1;

    private static readonly Option<Uri> Url = new("--url")
    {
        Description = "The store's address (default: KVSTORE_URL, else http://localhost:5100).",
        HelpName = "address",
        DefaultValueFactory = result => Address(result, Environment.GetEnvironmentVariable("KVSTORE_URL") is { Length: > 0 } url ? url : "http://localhost:5100", "KVSTORE_URL"),
        CustomParser = result => Address(result, result.Tokens[0].Value, "--url"),
    };

    private static readonly Option<string> Prefix = new("--prefix")
    {
        Description = $"Dump the entries whose keys start with this (default: {DefaultPrefix}).",
        HelpName = "prefix",
        DefaultValueFactory = _ => DefaultPrefix,
    };

    // Declared only to refuse it with the reason, instead of as an unknown option.
    private static readonly Option<string> Credential = new("--credential") { Hidden = true };

    /// <summary>Runs the dump; <paramref name="output"/> and <paramref name="error"/> default to the console's.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        error ??= Console.Error;
        var command = new RootCommand("Prints every session of a running Counter store, one {\"key\": value} line each, as the original dump.py did. The store's operations credential comes from KVSTORE_CREDENTIAL.")
        {
            Url, Prefix, Credential,
        };
        var parsed = command.Parse(args);
        if (parsed.GetResult(Credential) is not null)
        {
            await error.WriteLineAsync("dump: --credential is refused: an argument shows in the process list. Set KVSTORE_CREDENTIAL instead.");
            return UsageError;
        }
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"dump: {parsed.Errors[0].Message} (dump --help lists the options)");
            return UsageError;
        }
        command.SetAction(async (result, _) =>
        {
            var credential = Environment.GetEnvironmentVariable("KVSTORE_CREDENTIAL");
            if (string.IsNullOrEmpty(credential))
            {
                await error.WriteLineAsync("dump: set KVSTORE_CREDENTIAL to the store's operations credential (the AppHost's kvstore-operations-credential parameter).");
                return UsageError;
            }
            return await DumpAsync(result.GetValue(Url)!, result.GetValue(Prefix)!, credential, error);
        });
        // The dump, or --help (printed to output, exit code 0).
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output ?? Console.Out, Error = error });
    }

    /// <summary>The store's address from <paramref name="source"/>: absolute http or https, else a parse error naming it.</summary>
    private static Uri Address(System.CommandLine.Parsing.ArgumentResult result, string value, string source)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
        {
            return url;
        }
        result.AddError($"{source} must be an absolute http or https address, not '{value}'.");
        return null!;
    }

    private static async Task<int> DumpAsync(Uri url, string prefix, string credential, TextWriter error)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        HttpResponseMessage response;
        try
        {
            response = await http.GetAsync($"/v1/entries?prefix={Uri.EscapeDataString(prefix)}", HttpCompletionOption.ResponseHeadersRead);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"dump: could not reach the store at {url}: {ex.Message}");
            return StoreError;
        }
        using var _ = response;
        if (!response.IsSuccessStatusCode)
        {
            await error.WriteLineAsync($"dump: the store answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return StoreError;
        }

        try
        {
            await CopyLinesAsync(await response.Content.ReadAsStreamAsync());
            return 0;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or System.Text.Json.JsonException or TaskCanceledException)
        {
            // The store went away mid-dump, or sent a line that is not one of its entries: the lines
            // printed so far stand; say why the rest is missing.
            await error.WriteLineAsync($"dump: the dump from {url} ended early: {ex.Message}");
            return StoreError;
        }
    }

    /// <summary>The store's NDJSON lines to standard output, each as the original's <c>{"key": value}</c>.</summary>
    private static async Task CopyLinesAsync(Stream stream)
    {
        await using var source = stream;
        await using var stdout = new BufferedStream(Console.OpenStandardOutput(), 64 * 1024);
        var input = PipeReader.Create(source, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
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
}
