using Counter.Web.KvClient;
using Counter.Web.Sessions;
using Microsoft.AspNetCore.Diagnostics;

namespace Counter.Web.Pages;

/// <summary>
/// The answer to every exception a page throws. When the session (or the key ring behind Data
/// Protection) cannot reach the store, the page says so with 503 and Retry-After instead of hanging
/// or failing with 500. Any other unexpected error gets a plain 500 page, never a stack trace.
/// </summary>
public sealed partial class ErrorPage(ILogger<ErrorPage> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }
        string html;
        if (exception is SessionUnavailableException or KvStoreUnavailableException)
        {
            LogUnavailable(logger, exception.Message);
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            html = PageLayout.Render("Session store unavailable", """
                <h1>Session store unavailable</h1>
                <p>Your session could not be loaded right now. Retrying in a moment usually works.</p>
                <nav><a href="/">Try again</a></nav>
                """);
        }
        else
        {
            LogUnexpected(logger, exception);
            httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
            html = PageLayout.Render("Something went wrong", "<h1>Something went wrong</h1><p>The error was logged.</p>");
        }
        httpContext.Response.ContentType = PageLayout.ContentType;
        PageLayout.ApplyHeaders(httpContext.Response);
        await httpContext.Response.WriteAsync(html, cancellationToken);
        return true;
    }

    [LoggerMessage(200, LogLevel.Warning, "Session store unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(201, LogLevel.Error, "Unexpected error")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
