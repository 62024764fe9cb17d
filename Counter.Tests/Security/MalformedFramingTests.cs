using System.Net.Sockets;
using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>
/// Requests whose framing Kestrel cannot read (a chunk size that is not hexadecimal, a body shorter
/// than its Content-Length): web and the store answer with the 400 Kestrel gives them, never a 500,
/// and the stored data is unchanged. Sent as raw bytes, since HttpClient cannot write a bad chunk.
/// </summary>
[Collection(EmbeddedApp.Name)]
public sealed class MalformedFramingTests(EmbeddedAppFixture app)
{
    [Fact]
    public async Task ABadChunkOnResetIsA400Page()
    {
        var (status, body) = await SendRawAsync(app.WebUrl, "POST /reset HTTP/1.1\r\n", "application/x-www-form-urlencoded", credential: null);

        Assert.True(status == 400, $"{status}: {body}");
        Assert.Contains("Bad request", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABadChunkOnAStoreWriteIsA400ProblemAndWritesNothing()
    {
        var key = $"framing-{Guid.NewGuid():N}";

        var (status, body) = await SendRawAsync(app.StoreUrl, $"PUT /v1/keys/{key} HTTP/1.1\r\n", "application/json", CounterAppFixture.OperationsCredential);

        Assert.True(status == 400, $"{status}: {body}");
        Assert.Contains("application/problem+json", body, StringComparison.Ordinal);
        using var store = app.CreateStoreClient();
        using var read = await store.GetAsync($"/v1/keys/{key}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, read.StatusCode);
    }

    /// <summary>Sends a request line and headers with a chunked body whose second chunk size is "zz"; answers the status and the whole response.</summary>
    private static async Task<(int Status, string Response)> SendRawAsync(Uri server, string requestLine, string contentType, string? credential)
    {
        using var timeout = TestTimeouts.After(TestTimeouts.Request);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, timeout.Token);
        await using var stream = client.GetStream();
        var request = new StringBuilder(requestLine)
            .Append("Host: " + server.Authority + "\r\n")
            .Append("Content-Type: " + contentType + "\r\n")
            .Append("Transfer-Encoding: chunked\r\n")
            .Append("Connection: close\r\n");
        if (credential is not null)
        {
            request.Append("Authorization: Bearer " + credential + "\r\n");
        }
        request.Append("\r\n").Append("2\r\n{}\r\nzz\r\n{}\r\n0\r\n\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync(timeout.Token);
        var statusLine = response.Split("\r\n", 2)[0];
        return (int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), response);
    }
}
