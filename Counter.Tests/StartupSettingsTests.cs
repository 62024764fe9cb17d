using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests;

/// <summary>
/// A setting with an unknown value stops the service at start-up with a message that names the
/// allowed values, instead of silently running with the default (the old word "Sqlite" for the
/// embedded backend is exactly such a value); so does a trusted origin that is not an origin.
/// </summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("Counter.KvStore", "Storage__Backend", "Sqlite", "Storage:Backend is 'Sqlite'; it must be one of: Embedded, Redis.")]
    [InlineData("Counter.Web", "Session__Mode", "Server", "Session:Mode is 'Server'; it must be one of: ServerSide, Cookie.")]
    [InlineData("Counter.Web", "CrossOrigin__TrustedOrigins__0", "https://trusted.example/app",
        "'https://trusted.example/app' in CrossOrigin:TrustedOrigins is not an origin: write scheme://host[:port], without a path.")]
    public async Task AnUnknownChoiceStopsTheServiceNamingTheAllowedValues(string service, string variable, string value, string message)
    {
        var dll = Repository.BuildOutput(service, service + ".dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Startup);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(message, await error + await output, StringComparison.Ordinal);
    }
}
