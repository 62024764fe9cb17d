using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// The Garnet the AppHost starts is reachable only by its owner: the store connects over a Unix
/// domain socket (0600, in the 0700 data folder) that a process of another user cannot open, and even
/// there Garnet asks for its generated password. Its TCP listener, which Garnet cannot do without, is
/// on a port Garnet binds itself (never handed to it by the AppHost) and asks for the password too.
/// </summary>
[Collection(GarnetApp.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class GarnetAccessTests(GarnetAppFixture app)
{
    private string Socket => Path.Combine(app.DataPath, "garnet", "garnet.sock");

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-password-0123456789")]
    public async Task AConnectionWithoutThePasswordIsRefused(string? password)
    {
        var answers = await SendAsync(password is null ? ["PING", "KEYS *"] : [$"AUTH {password}", "PING"]);

        Assert.All(answers, answer => Assert.StartsWith("-", answer, StringComparison.Ordinal));
        Assert.Contains("NOAUTH", answers[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThePasswordOpensIt()
    {
        var answers = await SendAsync([$"AUTH {CounterAppFixture.GarnetPassword}", "PING"]);

        Assert.Equal(["+OK", "+PONG"], answers);
    }

    [Fact]
    public async Task TheStoreConnectsOverTheSocketWithIt()
    {
        using var browser = app.CreateBrowser();

        Assert.Equal(1, await browser.LoadCounterAsync());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Socket));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(Socket)!));
    }

    [Fact]
    public async Task ItsTcpListenerIsOnAnEphemeralLoopbackPortAndAsksForThePasswordToo()
    {
        var port = Assert.Single(GarnetProcesses.ListeningTcpPorts(GarnetProcesses.Find(app.DataPath)));
        using var client = new TcpClient();
        using var timeout = TestTimeouts.After(TestTimeouts.Request);
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port, timeout.Token);
        await using var stream = client.GetStream();

        var answers = await ExchangeAsync(stream, ["PING"], timeout.Token);

        Assert.Contains("NOAUTH", answers[0], StringComparison.Ordinal);
        // Port 0 asks the kernel at bind time: a port from the ephemeral range, not one picked beforehand.
        var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(port, int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(range[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AProcessOfAnotherUserCannotConnect()
    {
        // Switching users needs root (CI runs as root); root itself passes every file permission check.
        RequiredTools.SkipUnless(Environment.UserName == "root",
            "Connecting as another user needs root to switch users (setpriv); run the tests as root, as CI does.");

        var owner = await ConnectAsync(asNobody: false);
        var other = await ConnectAsync(asNobody: true);

        Assert.Equal("connected", owner); // The probe itself works.
        Assert.StartsWith("refused: Permission denied", other, StringComparison.Ordinal);
    }

    /// <summary>
    /// Connects to Garnet's socket from a separate process (Perl's core Socket module: perl-base is on
    /// every Debian), as this user or as nobody; answers "connected" or "refused: &lt;errno text&gt;".
    /// </summary>
    private async Task<string> ConnectAsync(bool asNobody)
    {
        const string probe = """socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die "socket: $!\n"; connect($s, pack_sockaddr_un($ARGV[0])) ? print "connected\n" : print "refused: $!\n";""";
        var start = new ProcessStartInfo(asNobody ? "setpriv" : "perl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in asNobody ? ["--reuid=65534", "--regid=65534", "--clear-groups", "perl", "-MSocket", "-e", probe, Socket] : new[] { "-MSocket", "-e", probe, Socket })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        using var timeout = TestTimeouts.After(TestTimeouts.Request);
        var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"The probe failed: {await process.StandardError.ReadToEndAsync(timeout.Token)}");
        return output.Trim();
    }

    /// <summary>Commands over a raw connection to Garnet's socket; one reply line each.</summary>
    private async Task<string[]> SendAsync(string[] commands)
    {
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var timeout = TestTimeouts.After(TestTimeouts.Request);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(Socket), timeout.Token);
        await using var stream = new NetworkStream(client, ownsSocket: false);
        return await ExchangeAsync(stream, commands, timeout.Token);
    }

    /// <summary>Commands (RESP arrays of the space-separated words); one reply line each.</summary>
    private static async Task<string[]> ExchangeAsync(Stream stream, string[] commands, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var answers = new List<string>();
        foreach (var command in commands)
        {
            var words = command.Split(' ');
            var resp = new StringBuilder($"*{words.Length}\r\n");
            foreach (var word in words)
            {
                resp.Append(System.Globalization.CultureInfo.InvariantCulture, $"${word.Length}\r\n{word}\r\n");
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes(resp.ToString()), cancellationToken);
            answers.Add(await reader.ReadLineAsync(cancellationToken) ?? "(closed)");
        }
        return [.. answers];
    }
}
