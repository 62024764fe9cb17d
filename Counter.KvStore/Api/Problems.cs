using Microsoft.AspNetCore.Http.HttpResults;

namespace Counter.KvStore.Api;

/// <summary>RFC 9457 problem-details answers, one per kind of client mistake.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) => Create(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static ProblemHttpResult NotFound(string key) => Create(StatusCodes.Status404NotFound, "Key not found", $"No live value is stored under '{key}'.");

    public static ProblemHttpResult PreconditionFailed(string detail) => Create(StatusCodes.Status412PreconditionFailed, "Precondition failed", detail);

    public static ProblemHttpResult TooLarge(string detail) => Create(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail);

    public static ProblemHttpResult UnsupportedMediaType(string detail) => Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);

    public static ProblemHttpResult Create(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
