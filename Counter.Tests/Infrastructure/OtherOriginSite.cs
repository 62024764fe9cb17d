using System.Text;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// Another web site on this machine: the same host name as the app on another loopback port (so
/// another origin, though the same site, and SameSite=Lax cookies still go along), serving one
/// fixed HTML page until disposed. Plays the attacker in cross-site request forgery tests.
/// </summary>
public sealed class OtherOriginSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly byte[] _page;

    public OtherOriginSite(string host, string html)
    {
        _page = Encoding.UTF8.GetBytes(html);
        var port = LoopbackPort.Free();
        Url = new Uri($"http://{host}:{port}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _ = ServeAsync();
    }

    public Uri Url { get; }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // Stopped.
            }
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.ContentLength64 = _page.Length;
            await context.Response.OutputStream.WriteAsync(_page);
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}
