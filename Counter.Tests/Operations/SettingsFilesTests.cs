using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Counter.Tests.Operations;

/// <summary>
/// Both services read their settings files once at start: none is watched, since a watch covers the
/// content root's whole tree (and the store's default data folder is in it), while every setting is
/// bound and validated at start only.
/// </summary>
public sealed class SettingsFilesTests
{
    [Fact]
    public void NoSettingsFileIsWatched()
    {
        var builder = ServiceStart.CreateBuilder([]);

        var files = builder.Configuration.Sources.OfType<FileConfigurationSource>().ToList();
        Assert.Contains(files, f => f.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched for changes"));
    }

    [Fact]
    public void CommandLineSettingsStillApply()
    {
        var builder = ServiceStart.CreateBuilder(["--Session:Mode=Cookie"]);

        Assert.Equal("Cookie", builder.Configuration["Session:Mode"]);
    }
}
