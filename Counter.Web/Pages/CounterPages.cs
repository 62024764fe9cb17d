using System.Globalization;
using Counter.Web.Sessions;

namespace Counter.Web.Pages;

/// <summary>
/// The counter page (GET /), Reset (POST /reset) and an About page that never touches the session.
/// Handlers know only <see cref="ISessionStore"/>, never which mode is active.
/// </summary>
public static class CounterPages
{
    public const string Title = "Counter example";
    public const string CountKey = "count";

    /// <summary>Maps the pages as one group, so conventions (the rate limit) apply to all of them.</summary>
    public static RouteGroupBuilder MapCounterPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("");
        pages.MapGet("/", ShowCounterAsync).WithName("Counter");
        // Cross-origin posts never get here (Security/CrossOriginProtection).
        pages.MapPost("/reset", ResetAsync).WithName("Reset");
        pages.MapGet("/about", ShowAbout).WithName("About");
        pages.MapGet("/count", ReadCountAsync).WithName("Count");
        return pages;
    }

    private static async Task<IResult> ShowCounterAsync(HttpContext context, ISessionStore sessions, CancellationToken cancellationToken)
    {
        var session = await sessions.UpdateAsync(context, s => s.SetInt32(CountKey, s.GetInt32(CountKey) + 1), cancellationToken);
        var count = session.GetInt32(CountKey).ToString(CultureInfo.InvariantCulture);
        var body = $"""
            <h1>{Title}</h1>
            <p class="count" aria-live="polite">Count: {count}</p>
            <form method="post" action="/reset">
            <button type="submit">Reset</button>
            </form>
            <nav><a href="/about">About this example</a></nav>
            """;
        return PageLayout.Html(context, PageLayout.Render(Title, body));
    }

    /// <summary>The Reset form sends no fields; a body past this is not the form, and is refused unread.</summary>
    public const int MaxResetBodyBytes = 8 * 1024;

    private static async Task<IResult> ResetAsync(HttpContext context, ISessionStore sessions, CancellationToken cancellationToken)
    {
        if (!await BodyFitsAsync(context.Request, MaxResetBodyBytes, cancellationToken))
        {
            return PageLayout.Html(context, PageLayout.Render("Request too large", """
                <h1>Request too large</h1>
                <p>The Reset form sends nothing; this request carried more than 8 KB, so nothing was changed.</p>
                <nav><a href="/">Back to the counter</a></nav>
                """), StatusCodes.Status413PayloadTooLarge);
        }
        await sessions.DestroyAsync(context, cancellationToken);
        return TypedResults.Redirect("/");
    }

    /// <summary>True when the body is at most <paramref name="limit"/> bytes; reads no more than that.</summary>
    private static async Task<bool> BodyFitsAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return false;
        }
        var buffer = new byte[4096];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if ((total += read) > limit)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The current count as JSON, without counting this request: a read that only touches the session.</summary>
    private static async Task<IResult> ReadCountAsync(HttpContext context, ISessionStore sessions, CancellationToken cancellationToken)
    {
        var session = await sessions.ReadAsync(context, cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new { count = session.GetInt32(CountKey) });
    }

    private static IResult ShowAbout(HttpContext context) => PageLayout.Html(context, PageLayout.Render("About – " + Title, """
        <h1>About</h1>
        <p>Each visit to the counter page adds one to a count kept in your session.
        Depending on configuration the session lives in an encrypted cookie or in a separate key-value service.</p>
        <nav><a href="/">Back to the counter</a></nav>
        """));
}
