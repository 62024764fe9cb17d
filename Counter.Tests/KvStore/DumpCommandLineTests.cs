using Counter.KvStore.Dump;

namespace Counter.Tests.KvStore;

/// <summary>
/// The dump's command line, without a store: --help, an unknown, misspelt or incomplete option, a
/// bad address and a credential given as an option are each refused with exit code 2 and one line
/// before anything is sent; both <c>--x v</c> and <c>--x=v</c> are read.
/// </summary>
[Trait("Category", "Unit")]
public sealed class DumpCommandLineTests
{
    [Fact]
    public async Task HelpListsTheOptionsAndSucceeds()
    {
        var (exitCode, output, error) = await RunAsync("--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("--url", output, StringComparison.Ordinal);
        Assert.Contains("--prefix", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--credential", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("Unrecognized", "--prefx", "x")]
    [InlineData("Required argument missing", "--url")]
    [InlineData("Required argument missing", "--prefix")]
    [InlineData("absolute http or https address", "--url", "not-an-address")]
    [InlineData("absolute http or https address", "--url=ftp://store.example")]
    [InlineData("Unrecognized", "extra")]
    public async Task BadUsageIsExitCode2WithOneLine(string message, params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(args);

        Assert.Equal(DumpCommand.UsageError, exitCode);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", output);
    }

    [Fact]
    public async Task ABadKvstoreUrlIsRefusedNamingIt()
    {
        Environment.SetEnvironmentVariable("KVSTORE_URL", "localhost:5100");
        try
        {
            var (exitCode, _, error) = await RunAsync();

            Assert.Equal(DumpCommand.UsageError, exitCode);
            Assert.Contains("KVSTORE_URL must be an absolute http or https address", error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KVSTORE_URL", null);
        }
    }

    [Theory]
    [InlineData("--credential", "secret")]
    [InlineData("--credential=secret")]
    public async Task ACredentialOptionIsRefusedWithTheReasonInEitherForm(params string[] args)
    {
        var (exitCode, _, error) = await RunAsync(["--url", "http://127.0.0.1:1", .. args]);

        Assert.Equal(DumpCommand.UsageError, exitCode);
        Assert.Contains("process list", error, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--url", "http://127.0.0.1:1")]
    [InlineData("--url=http://127.0.0.1:1")]
    public async Task BothOptionFormsReachTheStoreNamed(params string[] args)
    {
        // Port 1 refuses the connection: the error names the address the option gave.
        Environment.SetEnvironmentVariable("KVSTORE_CREDENTIAL", "unit-test-credential");
        try
        {
            var (exitCode, _, error) = await RunAsync(args);

            Assert.Equal(DumpCommand.StoreError, exitCode);
            Assert.Contains("could not reach the store at http://127.0.0.1:1/", error, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("KVSTORE_CREDENTIAL", null);
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await DumpCommand.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
