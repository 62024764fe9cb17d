using Counter.KvStore.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Counter.KvStore.Api;

/// <summary>
/// Turns every failure into a precise problem-details answer. Nothing reaches the client as a
/// stack trace: storage refusals are 503/507, malformed requests keep their 4xx, the rest is a
/// plain 500 whose detail is logged, not sent.
/// </summary>
public sealed partial class StoreExceptionHandler(IProblemDetailsService problems, ILogger<StoreExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return true; // The client left; there is nobody to answer.
        }
        var (status, title, detail) = exception switch
        {
            StorageUnavailableException { DiskFull: true } e =>
                (StatusCodes.Status507InsufficientStorage, "Insufficient storage", e.Message),
            StorageUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable", e.Message),
            TimeoutException => (StatusCodes.Status503ServiceUnavailable, "Storage unavailable", "The storage did not answer in time; the operation may not have been applied."),
            BadHttpRequestException e => (e.StatusCode, "Invalid request", e.Message),
            InvalidDataException e => (StatusCodes.Status400BadRequest, "Invalid request", e.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The store hit an unexpected error; the operation may not have been applied."),
        };
        if (status >= 500)
        {
            LogFailure(logger, exception, status);
            if (status != StatusCodes.Status500InternalServerError)
            {
                httpContext.Response.Headers.RetryAfter = "1";
            }
        }
        httpContext.Response.StatusCode = status;
        httpContext.Response.Headers.XContentTypeOptions = "nosniff"; // The handler cleared the headers set on the way in.
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    [LoggerMessage(30, LogLevel.Error, "Request failed with {Status}")]
    private static partial void LogFailure(ILogger logger, Exception exception, int status);
}
