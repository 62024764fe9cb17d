using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// Web as a deployment runs it: Production, served over HTTPS with a certificate made here (no
/// developer certificate), HTTP alongside, loopback trusted as its proxy, and low per-client rate
/// limits (an hour's window, so no window ends during a test). Tests that count against a limit
/// name their own client with X-Forwarded-For, so they never share a count. Both services send
/// Server-Timing headers.
/// </summary>
public sealed class HttpsAppFixture : CounterAppFixture
{
    /// <summary>The name tests use for web over HTTPS; HSTS is never sent to "localhost".</summary>
    public const string HostName = "counter.test";

    public const int PagesPerWindow = 30;
    public const int NewSessionsPerWindow = 10;

    private const string CertificatePassword = "test-https-certificate-password";

    protected override string SessionMode => "ServerSide";

    protected override bool TestClock => false;

    /// <summary>As a deployment being diagnosed runs: each answer says where its time went.</summary>
    protected override bool ServerTiming => true;

    public X509Certificate2 Certificate { get; } = CreateCertificate();

    private string CertificatePath => DataPath + "-web-https.pfx";

    public Uri HttpsUrl => App.GetEndpoint("web", "https");

    protected override void ConfigureWeb(IResourceBuilder<ProjectResource> web)
    {
        var pfx = CertificatePath;
        Directory.CreateDirectory(Path.GetDirectoryName(pfx)!);
        File.WriteAllBytes(pfx, Certificate.Export(X509ContentType.Pfx, CertificatePassword));
        web.WithHttpsEndpoint(name: "https")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
            .WithEnvironment("Kestrel__Certificates__Default__Path", pfx)
            .WithEnvironment("Kestrel__Certificates__Default__Password", CertificatePassword)
            .WithEnvironment("Proxy__TrustedNetworks__0", "127.0.0.1")
            .WithEnvironment("Proxy__TrustedNetworks__1", "::1")
            .WithEnvironment("RateLimit__Window", "01:00:00")
            .WithEnvironment("RateLimit__PagesPerWindow", PagesPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithEnvironment("RateLimit__NewSessionsPerWindow", NewSessionsPerWindow.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A client of web over HTTPS as https://counter.test (connected to web's port on loopback), that
    /// trusts only this fixture's certificate and keeps no cookies, so tests see every Set-Cookie.
    /// </summary>
    public HttpClient CreateHttpsClient()
    {
        var endpoint = HttpsUrl;
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new DnsEndPoint(endpoint.Host, endpoint.Port), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString() },
        };
        return new HttpClient(handler) { BaseAddress = new Uri($"https://{HostName}:{endpoint.Port}"), Timeout = TestTimeouts.Request };
    }

    private static X509Certificate2 CreateCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={HostName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(HostName);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(CertificatePath);
        Certificate.Dispose();
    }
}
