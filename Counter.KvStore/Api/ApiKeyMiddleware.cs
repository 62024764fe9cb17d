using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Counter.KvStore.Api;

/// <summary>The store's credential, which the AppHost generates; every caller but the health probes presents it. Bound from the "Access" section.</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Access";

    /// <summary>Callers send <c>Authorization: Bearer &lt;ApiKey&gt;</c>. At least 16 characters.</summary>
    [System.ComponentModel.DataAnnotations.Required]
    [System.ComponentModel.DataAnnotations.MinLength(16)]
    public string ApiKey { get; set; } = string.Empty;
}

/// <summary>
/// Rejects calls without the store's credential with 401. Compares hashes in fixed time so the
/// answer time says nothing about the key. The key is never logged: it lives only in options.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<AccessOptions> options)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey));

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.HealthEndpointPath)
            || path.StartsWithSegments(Microsoft.Extensions.Hosting.Extensions.AlivenessEndpointPath)
            || IsValid(context.Request.Headers.Authorization.ToString()))
        {
            return next(context);
        }
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"kvstore\"";
        return Problems.Create(StatusCodes.Status401Unauthorized, "Unauthorized",
            "Send the store's credential as 'Authorization: Bearer <key>'.").ExecuteAsync(context);
    }

    private bool IsValid(string header)
    {
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _expected);
    }
}
