using System.Net.Http.Headers;
using System.Text.Json;
using Counter.ServiceDefaults;

namespace Counter.KvStore.Dump;

/// <summary>
/// The original <c>dump.py</c>: prints one line per active session, <c>{"key": value}</c>, read
/// from a running store's streamed dump. Usage:
/// <c>dump [--url http://localhost:5100] [--api-key KEY] [--prefix session:]</c>.
/// The key may also come from the <c>KVSTORE_API_KEY</c> variable, which keeps it out of shell history.
/// </summary>
public static class DumpCommand
{
    public const string DefaultPrefix = StoreKeyPrefixes.Sessions;

    public static async Task<int> RunAsync(string[] args)
    {
        var url = Option(args, "--url") ?? Environment.GetEnvironmentVariable("KVSTORE_URL") ?? "http://localhost:5100";
        var apiKey = Option(args, "--api-key") ?? Environment.GetEnvironmentVariable("KVSTORE_API_KEY");
        var prefix = Option(args, "--prefix") ?? DefaultPrefix;
        if (string.IsNullOrEmpty(apiKey))
        {
            await Console.Error.WriteLineAsync("dump: give the store's credential with --api-key or KVSTORE_API_KEY (the AppHost shows it as the kvstore-api-key parameter).");
            return 2;
        }

        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        using var response = await http.GetAsync($"/v1/entries?prefix={Uri.EscapeDataString(prefix)}", HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            await Console.Error.WriteLineAsync($"dump: the store answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return 1;
        }

        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream);
        using var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
        while (await reader.ReadLineAsync() is { Length: > 0 } line)
        {
            using var entry = JsonDocument.Parse(line);
            var key = entry.RootElement.GetProperty("key").GetString()!;
            var value = entry.RootElement.GetProperty("value").GetRawText();
            await stdout.WriteLineAsync($"{{{JsonSerializer.Serialize(key)}: {value}}}");
        }
        await stdout.FlushAsync();
        return 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
