using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Dashboard;

/// <summary>The kvstore resource's dashboard buttons, run as the dashboard runs them.</summary>
[Collection(EmbeddedApp.Name)]
public sealed class DashboardCommandTests(EmbeddedAppFixture app)
{
    [Fact]
    public async Task DumpSessionsShowsTheSessionsAndClearAllSessionsRemovesThem()
    {
        using var browser = app.CreateBrowser();
        await browser.LoadCounterAsync();
        var key = StorageKeys.For(browser.SessionCookie!);
        var commands = app.App.Services.GetRequiredService<ResourceCommandService>();

        var dump = await commands.ExecuteCommandAsync("kvstore", "dump-sessions");
        Assert.True(dump.Success, dump.Message);
        // The dashboard shows the count and the first 100 sessions in storage-key order, whatever the
        // store holds (a million would be a response it cannot display): compare with a full listing.
        var sessions = await AllSessionKeysAsync();
        var shown = dump.Data!.Value.Split('\n').Where(l => l.StartsWith('{')).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("key").GetString()).ToList();
        Assert.Contains(key, sessions);
        Assert.StartsWith($"{sessions.Count} live sessions;", dump.Data.Value, StringComparison.Ordinal);
        Assert.Equal(sessions.Take(100), shown);
        Assert.Contains("dump --url http://", dump.Data.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.SessionCookie!, dump.Data.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(CounterAppFixture.OperationsCredential, dump.Data.Value, StringComparison.Ordinal);

        var clear = await commands.ExecuteCommandAsync("kvstore", "clear-sessions");
        Assert.True(clear.Success, clear.Message);
        Assert.Contains("\"deleted\":", clear.Data?.Value, StringComparison.Ordinal);

        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.NotEqual(key, StorageKeys.For(browser.SessionCookie!));
    }

    /// <summary>Every session's storage key, in key order (the embedded store pages in key order).</summary>
    private async Task<List<string>> AllSessionKeysAsync()
    {
        using var store = app.CreateStoreClient();
        var keys = new List<string>();
        string? cursor = null;
        do
        {
            using var page = System.Text.Json.JsonDocument.Parse(await store.GetStringAsync(
                "/v1/keys?prefix=session:&limit=1000" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))));
            keys.AddRange(page.RootElement.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!));
            cursor = page.RootElement.GetProperty("cursor").GetString();
        }
        while (cursor is not null);
        return keys;
    }
}
