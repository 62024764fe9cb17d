using Counter.Web.KvStore;
using Counter.Web.RateLimits;
using Counter.Web.Sessions;
using Microsoft.AspNetCore.Diagnostics;

namespace Counter.Web.Pages;

/// <summary>
/// The answer to every exception a page throws. When the session (or the key ring behind Data
/// Protection) cannot reach the store, the page says so with 503 and Retry-After instead of hanging
/// or failing with 500; a session grown past what the store keeps gets 413 (retrying cannot help);
/// a client past its new-session limit gets 429 with Retry-After; a request Kestrel could not read
/// (a malformed chunk, a body cut short) keeps its own 4xx, logged as the client's fault. Any other
/// unexpected error gets a plain 500 page, never a stack trace.
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
        if (exception is TooManyRequestsException tooMany)
        {
            LogTooMany(logger, tooMany.Message);
            await WriteTooManyRequestsAsync(httpContext, tooMany.RetryAfter, cancellationToken);
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
        else if (exception is BadHttpRequestException badRequest)
        {
            LogBadRequest(logger, badRequest.StatusCode, badRequest.Message);
            httpContext.Response.StatusCode = badRequest.StatusCode;
            html = BadRequestPage;
        }
        else if (exception is SessionTooLargeException)
        {
            LogTooLarge(logger, exception.Message);
            httpContext.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            html = TooLargePage;
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

    /// <summary>The 429 answer of both per-client limits (pages and new sessions; see RateLimits).</summary>
    public static Task WriteTooManyRequestsAsync(HttpContext httpContext, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        httpContext.Response.ContentType = PageLayout.ContentType;
        PageLayout.ApplyHeaders(httpContext.Response);
        return httpContext.Response.WriteAsync(TooManyRequestsPage, cancellationToken);
    }

    private static readonly string TooLargePage = PageLayout.Render("Session too large", """
        <h1>Session too large</h1>
        <p>Your session has grown larger than the server keeps, so this change was not saved. Trying again will not help.</p>
        <nav><a href="/">Back to the counter</a></nav>
        """);

    private static readonly string BadRequestPage = PageLayout.Render("Bad request", """
        <h1>Bad request</h1>
        <p>The request could not be read, so nothing was changed.</p>
        <nav><a href="/">Back to the counter</a></nav>
        """);

    private static readonly string TooManyRequestsPage = PageLayout.Render("Too many requests", """
        <h1>Too many requests</h1>
        <p>This address sent more requests than the counter serves one visitor. Wait a little, then try again.</p>
        <nav><a href="/">Back to the counter</a></nav>
        """);

    [LoggerMessage(202, LogLevel.Information, "Client over its limit: {Reason}")]
    private static partial void LogTooMany(ILogger logger, string reason);

    [LoggerMessage(203, LogLevel.Warning, "Session too large: {Reason}")]
    private static partial void LogTooLarge(ILogger logger, string reason);

    [LoggerMessage(200, LogLevel.Warning, "Session store unavailable: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);

    [LoggerMessage(204, LogLevel.Information, "Request could not be read ({Status}): {Reason}")]
    private static partial void LogBadRequest(ILogger logger, int status, string reason);

    [LoggerMessage(201, LogLevel.Error, "Unexpected error")]
    private static partial void LogUnexpected(ILogger logger, Exception exception);
}
