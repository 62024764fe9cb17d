using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Counter.KvStore;
using Counter.KvStore.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// The store's real /v1 API (the embedded engine on a temporary folder) hosted in-process on a
/// TestServer, for testing web's session layer without an app or a network. Web's client reaches it
/// through <see cref="CreateHandler"/>; a test that needs a store that misbehaves on purpose sets one
/// of the switches, which a handler in front of the real store applies: <see cref="Down"/>,
/// <see cref="WinnerOnConflict"/>, <see cref="ListedTwice"/>.
/// </summary>
public sealed class InProcessKvStore : IAsyncDisposable
{
    /// <summary>The web tier's credential, as web's client is given it.</summary>
    public const string WebCredential = "unit-test-store-credential";

    private const string OperationsCredential = "unit-test-operations-credential";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("counter-inprocess-kvstore-");
    private readonly WebApplication _app;
    private readonly HttpClient _operations;

    public InProcessKvStore()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Sqlite:DataPath"] = _folder.FullName,
            ["Credentials:Web"] = WebCredential,
            ["Credentials:Operations"] = OperationsCredential,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddKeyValueStorage();
        builder.AddStoreApi();
        _app = builder.Build();
        if (EmbeddedStart.Open(_app.Services) is { } refused)
        {
            throw new InvalidOperationException($"The store refused its data folder (exit code {refused}).");
        }
        _app.UseStoreApi();
        _app.Start();
        _operations = _app.GetTestServer().CreateClient();
        _operations.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperationsCredential);
    }

    /// <summary>While false, the store ignores <c>Prefer: return=representation</c>: a refused compare-and-set answers a bare 412.</summary>
    public bool WinnerOnConflict { get; set; } = true;

    /// <summary>While true, every call fails to connect, as with a store process that is stopped.</summary>
    public bool Down { get; set; }

    /// <summary>Keys the listing returns twice, as a Redis SCAN may during a rehash.</summary>
    public ISet<string> ListedTwice { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>A handler to the store (through the switches above), for one HTTP client.</summary>
    public HttpMessageHandler CreateHandler() => new Misbehaviour(this, _app.GetTestServer().CreateHandler());

    /// <summary>Writes a value unconditionally with the operations credential, as whoever holds it could.</summary>
    public async Task PlantAsync(string key, string json)
    {
        using var response = await _operations.PutAsync(KeyPath(key), new StringContent(json, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The value stored under <paramref name="key"/>, as JSON text; null when absent.</summary>
    public async Task<string?> ReadAsync(string key)
    {
        using var response = await _operations.GetAsync(KeyPath(key));
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
    }

    /// <summary>Every live key, from the store's listing.</summary>
    public async Task<IReadOnlyList<string>> KeysAsync() =>
        (await _operations.GetStringAsync("/v1/entries?prefix="))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(KeyOf)
            .ToList();

    private static string KeyPath(string key) => "/v1/keys/" + Uri.EscapeDataString(key);

    private static string KeyOf(string listingLine)
    {
        using var entry = JsonDocument.Parse(listingLine);
        return entry.RootElement.GetProperty("key").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        _operations.Dispose();
        await _app.DisposeAsync();
        _folder.Delete(recursive: true);
    }

    private sealed class Misbehaviour(InProcessKvStore store, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (store.Down)
            {
                throw new HttpRequestException("Connection refused (kvstore.test:80)");
            }
            if (!store.WinnerOnConflict)
            {
                request.Headers.Remove("Prefer");
            }
            var response = await base.SendAsync(request, cancellationToken);
            if (store.ListedTwice.Count > 0 && request.RequestUri!.AbsolutePath == "/v1/entries" && response.IsSuccessStatusCode)
            {
                var lines = (await response.Content.ReadAsStringAsync(cancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
                var listed = lines.SelectMany(line => store.ListedTwice.Contains(KeyOf(line)) ? new[] { line, line } : [line]);
                response.Content = new StringContent(string.Concat(listed.Select(line => line + "\n")), Encoding.UTF8, "application/x-ndjson");
            }
            return response;
        }
    }
}
