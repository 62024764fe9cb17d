using Counter.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Counter.KvStore.Api;

/// <summary>
/// Rejects calls without a credential with 401, and the web tier's credential on an endpoint not
/// marked <see cref="WebTierAccess"/> with 403 (least privilege: a stolen web credential cannot list,
/// dump or clear sessions; <see cref="KeyRingWriteRule"/> narrows its writes further). Both credentials are checked by <see cref="BearerCredential"/> (fixed time);
/// they are never logged: they live only in options.
/// </summary>
public sealed class CredentialMiddleware(RequestDelegate next, IOptions<CredentialOptions> options)
{
    private readonly BearerCredential _web = new(options.Value.Web);
    private readonly BearerCredential _operations = new(options.Value.Operations);

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
