using System.Text.Json;
using System.Xml.Linq;
using Counter.ServiceDefaults;
using Counter.Web.KvClient;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Counter.Web.DataProtection;

/// <summary>
/// Keeps the Data Protection key ring in the KV store (one key per XML element, under
/// "dataprotection:"), so every web replica can read session cookies that any other
/// replica wrote. Elements are only ever added, so writes are create-only.
/// Data Protection calls this synchronously and rarely (start-up, key roll every ~90 days, an
/// unknown key id), so blocking on the async client is acceptable here.
/// </summary>
public sealed partial class KvStoreXmlRepository(IServiceProvider services) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var store = services.GetRequiredService<KvStoreClient>();
        LogLoading(services.GetRequiredService<ILogger<KvStoreXmlRepository>>());
        var entries = store.ListEntriesAsync(StoreKeyPrefixes.KeyRing, CancellationToken.None).GetAwaiter().GetResult();
        return [.. entries.Select(e => XElement.Parse(e.Value.GetString()!))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        var store = services.GetRequiredService<KvStoreClient>();
        var key = StoreKeyPrefixes.KeyRing + SafeName(friendlyName);
        var value = JsonSerializer.SerializeToUtf8Bytes(element.ToString(SaveOptions.DisableFormatting));
        store.PutIfAsync(key, value, ifMatch: null, timeToLive: null, CancellationToken.None).GetAwaiter().GetResult();
    }

    // Friendly names are "key-<guid>"; keep only characters the store accepts in keys.
    private static string SafeName(string friendlyName) =>
        string.Concat(friendlyName.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));

    [LoggerMessage(301, LogLevel.Information, "Loading the Data Protection key ring from the store")]
    private static partial void LogLoading(ILogger logger);
}
