using System.Globalization;
using System.Text.Encodings.Web;
using Counter.Web.Sessions;
using Microsoft.AspNetCore.Antiforgery;

namespace Counter.Web.Pages;

/// <summary>
/// The counter page (GET /), Reset (POST /reset) and an About page that never touches the session.
/// Handlers know only <see cref="ISessionStore"/>, never which mode is active.
/// </summary>
public static class CounterPages
{
    public const string Title = "Counter example";
    public const string CountKey = "count";

    public static IEndpointRouteBuilder MapCounterPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", ShowCounterAsync).WithName("Counter");
        app.MapPost("/reset", ResetAsync).WithName("Reset").DisableAntiforgery(); // Validated explicitly below.
        app.MapGet("/about", ShowAbout).WithName("About");
        app.MapGet("/count", ReadCountAsync).WithName("Count");
        return app;
    }

    private static async Task<IResult> ShowCounterAsync(HttpContext context, ISessionStore sessions, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        var session = await sessions.UpdateAsync(context, s => s.SetInt32(CountKey, s.GetInt32(CountKey) + 1), cancellationToken);
        var token = antiforgery.GetAndStoreTokens(context);
        var count = session.GetInt32(CountKey).ToString(CultureInfo.InvariantCulture);
        var body = $"""
            <h1>{Title}</h1>
            <p class="count" aria-live="polite">Count: {count}</p>
            <form method="post" action="/reset">
            <input type="hidden" name="{HtmlEncoder.Default.Encode(token.FormFieldName)}" value="{HtmlEncoder.Default.Encode(token.RequestToken!)}">
            <button type="submit">Reset</button>
            </form>
            <nav><a href="/about">About this example</a></nav>
            """;
        return PageLayout.Html(context, PageLayout.Render(Title, body));
    }

    private static async Task<IResult> ResetAsync(HttpContext context, ISessionStore sessions, IAntiforgery antiforgery, CancellationToken cancellationToken)
    {
        // A cross-site form post carries no valid token: refuse it before touching the session.
        if (!await IsValidFormPostAsync(context, antiforgery))
        {
            return PageLayout.Html(context, PageLayout.Render("Request rejected", """
                <h1>Request rejected</h1>
                <p>This reset did not come from the counter page (its anti-forgery token is missing or invalid).</p>
                <nav><a href="/">Back to the counter</a></nav>
                """), StatusCodes.Status400BadRequest);
        }
        await sessions.DestroyAsync(context, cancellationToken);
        return TypedResults.Redirect("/");
    }

    /// <summary>A same-site form post with a valid token; a malformed or non-form body is simply not valid.</summary>
    private static async Task<bool> IsValidFormPostAsync(HttpContext context, IAntiforgery antiforgery)
    {
        try
        {
            return await antiforgery.IsRequestValidAsync(context);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException or AntiforgeryValidationException)
        {
            return false;
        }
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
