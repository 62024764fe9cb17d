using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Operations;

/// <summary>
/// A setting with an unknown value stops the service at start-up with a message that names the
/// allowed values, instead of silently running with the default (the old word "Sqlite" for the
/// embedded backend is exactly such a value); so does a trusted origin that is not an origin, and
/// a test hook switched on anywhere but Development (Production, the default with no environment
/// variable, and names almost like it). Each is one line and exit code 2, never a stack trace and an abort.
/// </summary>
public sealed class StartupSettingsTests
{
    [Theory]
    [InlineData("Counter.KvStore", "Storage__Backend", "Sqlite", "Storage:Backend is 'Sqlite'; it must be one of: Embedded, Redis.")]
    [InlineData("Counter.Web", "Session__Mode", "Server", "Session:Mode is 'Server'; it must be one of: ServerSide, Cookie.")]
    [InlineData("Counter.Web", "ServerTiming__Enabled", "yes", "ServerTiming:Enabled is 'yes'; it must be true or false.")]
    [InlineData("Counter.KvStore", "ServerTiming__Enabled", "1", "ServerTiming:Enabled is '1'; it must be true or false.")]
    [InlineData("Counter.Web", "CrossOrigin__TrustedOrigins__0", "https://trusted.example/app",
        "'https://trusted.example/app' in CrossOrigin:TrustedOrigins is not an origin: write scheme://host[:port], without a path.")]
    [InlineData("Counter.KvStore", "Testing__FaultInjection", "true",
        "Testing:FaultInjection is set, but the environment is Production: test hooks run only in Development.")]
    [InlineData("Counter.Web", "Testing__TestClock", "true",
        "Testing:TestClock is set, but the environment is Production: test hooks run only in Development.")]
    [InlineData("Counter.KvStore", "Testing__TestClock", "true",
        "Testing:TestClock is set, but the environment is Staging: test hooks run only in Development.", "Staging")]
    [InlineData("Counter.Web", "Testing__FaultInjection", "true",
        "Testing:FaultInjection is set, but the environment is Preview: test hooks run only in Development.", "Preview")]
    public async Task AnUnknownChoiceStopsTheServiceNamingTheAllowedValues(string service, string variable, string value, string message, string? environment = null)
    {
        var dll = Repository.BuildOutput(service, service + ".dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        start.Environment.Remove("DOTNET_ENVIRONMENT");
        if (environment is not null)
        {
            start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        }
        start.Environment[variable] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Startup);

        var printed = await error + await output;
        Assert.True(process.ExitCode == 2, $"Exit code {process.ExitCode}: {printed}");
        Assert.Contains(message, printed, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", printed, StringComparison.Ordinal); // One line, no stack trace.
    }
}
