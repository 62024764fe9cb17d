using System.Net.Sockets;
using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests;

/// <summary>
/// The Garnet the AppHost starts asks for its generated password, so no other local process can
/// read, write or flush sessions past the store's credentials; the store itself connects with it.
/// </summary>
[Collection(RedisApp.Name)]
public sealed class GarnetPasswordTests(RedisAppFixture app)
{
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
    public async Task TheStoreConnectsWithIt()
    {
        using var browser = app.CreateBrowser();

        Assert.Equal(1, await browser.LoadCounterAsync());
    }

    /// <summary>Commands (RESP arrays of the space-separated words) over a raw connection to Garnet's port; one reply line each.</summary>
    private async Task<string[]> SendAsync(string[] commands)
    {
        var endpoint = app.App.GetEndpoint("garnet", "tcp");
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TestTimeouts.Request);
        await client.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
        await using var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answers = new List<string>();
        foreach (var command in commands)
        {
            var words = command.Split(' ');
            var resp = new StringBuilder($"*{words.Length}\r\n");
            foreach (var word in words)
            {
                resp.Append(System.Globalization.CultureInfo.InvariantCulture, $"${word.Length}\r\n{word}\r\n");
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes(resp.ToString()), timeout.Token);
            answers.Add(await reader.ReadLineAsync(timeout.Token) ?? "(closed)");
        }
        return [.. answers];
    }
}
