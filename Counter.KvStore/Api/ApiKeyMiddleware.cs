using System.ComponentModel.DataAnnotations;
using Counter.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Counter.KvStore.Api;

/// <summary>
/// The store's two credentials, which the AppHost generates. Bound from the "Access" section.
/// The web tier's may do what a session layer does; the operations credential may do everything.
/// </summary>
public sealed class AccessOptions : IValidatableObject
{
    public const string SectionName = "Access";

    /// <summary>The web tier's: single-key reads and writes, the batch, and listing the key ring. At least 16 characters.</summary>
    [Required]
    [MinLength(16)]
    public string WebKey { get; set; } = string.Empty;

    /// <summary>Operations' (the dashboard commands, the dump, the original API, tests): every call. At least 16 characters.</summary>
    [Required]
    [MinLength(16)]
    public string OperationsKey { get; set; } = string.Empty;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WebKey == OperationsKey)
        {
            yield return new ValidationResult("Access:WebKey and Access:OperationsKey must differ: the web tier's credential must not be able to list, dump or clear.", [nameof(WebKey)]);
        }
    }
}

/// <summary>Endpoint metadata: the web tier's credential may call this endpoint (<see cref="ApiKeyMiddleware"/>).</summary>
/// <param name="KeyRingListingOnly">Only with <c>?prefix=</c> inside the Data Protection key ring (a listing endpoint).</param>
public sealed record WebTierAccess(bool KeyRingListingOnly = false);

public static class WebTierAccessExtensions
{
    /// <summary>Lets the web tier's credential call this endpoint; every other endpoint needs the operations credential.</summary>
    public static RouteHandlerBuilder AllowWebTier(this RouteHandlerBuilder endpoint, bool keyRingListingOnly = false) =>
        endpoint.WithMetadata(new WebTierAccess(keyRingListingOnly));
}

/// <summary>
/// Rejects calls without a credential with 401, and the web tier's credential on an endpoint not
/// marked <see cref="WebTierAccess"/> with 403 (least privilege: a stolen web credential cannot list,
/// dump or clear sessions; <see cref="KeyRingWriteRule"/> narrows its writes further). Both keys are checked by <see cref="BearerCredential"/> (fixed time);
/// they are never logged: they live only in options.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<AccessOptions> options)
{
    private readonly BearerCredential _web = new(options.Value.WebKey);
    private readonly BearerCredential _operations = new(options.Value.OperationsKey);

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath)
            || path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath))
        {
            return next(context);
        }
        var presented = BearerCredential.Presented(context.Request.Headers.Authorization.ToString());
        // Both comparisons always run: which key matched does not show in the time taken.
        var isOperations = _operations.Matches(presented);
        var isWeb = _web.Matches(presented);
        if (isOperations)
        {
            return next(context);
        }
        if (!isWeb)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"kvstore\"";
            return Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized",
                "Send the store's credential as 'Authorization: Bearer <key>'.").ExecuteAsync(context);
        }
        // Routing has run (WebApplication adds it first): an unknown path goes on to its 404/405.
        var endpoint = context.GetEndpoint();
        var access = endpoint?.Metadata.GetMetadata<WebTierAccess>();
        if (endpoint is null || (access is not null && (!access.KeyRingListingOnly || IsKeyRingPrefix(context.Request.Query["prefix"]))))
        {
            KeyRingWriteRule.MarkWebTier(context);
            return next(context);
        }
        return Problems.Create(StatusCodes.Status403Forbidden, "Forbidden",
            $"This is the web tier's credential: it reads and writes single keys and batches, and lists only '{StoreKeyPrefixes.KeyRing}'. " +
            "Listing, dumping, counting or clearing sessions and the original API need the operations credential.").ExecuteAsync(context);
    }

    private static bool IsKeyRingPrefix(Microsoft.Extensions.Primitives.StringValues prefix) =>
        prefix.Count == 1 && prefix[0]!.StartsWith(StoreKeyPrefixes.KeyRing, StringComparison.Ordinal);
}
