using Counter.Web.Sessions;
using Microsoft.AspNetCore.Diagnostics;

namespace Counter.Web.Pages;

/// <summary>
/// When the session store cannot answer, the page says so with 503 and Retry-After instead of
/// hanging or failing with 500. Any other unexpected error gets a plain 500 page, never a stack trace.
/// </summary>
public sealed partial class StoreUnavailablePage(ILogger<StoreUnavailablePage> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true;
        }
        string html;
        if (exception is SessionStoreUnavailableException)
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
        httpContext.Response.Headers.CacheControl = "no-store";
        httpContext.Response.Headers.ContentSecurityPolicy = PageLayout.ContentSecurityPolicy;
        await httpContext.Response.WriteAsync(html, cancellationToken);
        return true;
    }

    [LoggerMessage(200, LogLevel.Warning, "Session store unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(201, LogLevel.Error, "Unexpected error")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
