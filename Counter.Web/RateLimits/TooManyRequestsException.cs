namespace Counter.Web.RateLimits;

/// <summary>A client went past one of its limits; the page answers 429 with Retry-After.</summary>
public sealed class TooManyRequestsException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
