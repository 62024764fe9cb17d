using System.Text.Encodings.Web;

namespace Counter.Web.Pages;

/// <summary>
/// The HTML shell every page shares: English, mobile viewport, one small inline stylesheet,
/// no JavaScript. Plain strings keep the page a few hundred bytes and the hot path allocation-light.
/// </summary>
internal static class PageLayout
{
    public const string ContentType = "text/html; charset=utf-8";

    // Only same-origin form posts and the inline style below are allowed; nothing else loads.
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;min-height:100vh;display:grid;place-items:center;background:#f6f7f9;color:#1b1f24}
        main{box-sizing:border-box;background:#fff;padding:2rem 2.5rem;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12);text-align:center;max-width:22rem;width:calc(100% - 3rem)}
        h1{font-size:1.4rem;margin:0 0 1rem}
        .count{font-size:2.6rem;font-weight:700;margin:.5rem 0 1.5rem}
        button{font:inherit;font-size:1.1rem;padding:.6rem 1.6rem;border:0;border-radius:8px;background:#0b5cd5;color:#fff;cursor:pointer}
        button:hover{background:#0848a8}button:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
        a{color:#0b5cd5}nav{margin-top:1.5rem;font-size:.9rem}
        """;

    public static string Render(string title, string body) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{HtmlEncoder.Default.Encode(title)}</title>
        <style>{Style}</style>
        </head>
        <body>
        <main>
        {body}
        </main>
        </body>
        </html>
        """;

    public static IResult Html(HttpContext context, string html, int statusCode = StatusCodes.Status200OK)
    {
        ApplyHeaders(context.Response);
        return TypedResults.Content(html, ContentType, statusCode: statusCode);
    }

    /// <summary>The headers every HTML answer carries, pages and error pages alike: set only here.</summary>
    public static void ApplyHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "same-origin";
        response.Headers.CacheControl = "no-store";
    }
}
