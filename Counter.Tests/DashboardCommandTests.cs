using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;

namespace Counter.Tests;

/// <summary>The kvstore resource's dashboard buttons, run as the dashboard runs them.</summary>
[Collection(ServerSideApp.Name)]
public sealed class DashboardCommandTests(ServerSideAppFixture app)
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
        Assert.Contains(key, dump.Data?.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.SessionCookie!, dump.Data?.Value ?? "", StringComparison.Ordinal);

        var clear = await commands.ExecuteCommandAsync("kvstore", "clear-sessions");
        Assert.True(clear.Success, clear.Message);
        Assert.Contains("\"deleted\":", clear.Data?.Value, StringComparison.Ordinal);

        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.NotEqual(key, StorageKeys.For(browser.SessionCookie!));
    }
}
