using System.Security.Cryptography;
using System.Text;

namespace Counter.ServiceDefaults;

/// <summary>
/// One credential a caller presents as <c>Authorization: Bearer &lt;it&gt;</c>, checked the same way
/// wherever one is asked for (the store's API, the test hooks): SHA-256 of both sides compared in
/// fixed time, so the answer time says nothing about the credential. It is never logged.
/// </summary>
public sealed class BearerCredential(string credential)
{
    private readonly byte[] _hash = Hash(credential);

    /// <summary>What an Authorization header presents, hashed; a header that is not a Bearer one matches nothing.</summary>
    public static byte[] Presented(string authorizationHeader)
    {
        const string Scheme = "Bearer ";
        return authorizationHeader.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? Hash(authorizationHeader[Scheme.Length..].Trim())
            : new byte[SHA256.HashSizeInBytes];
    }

    public bool Matches(byte[] presented) => CryptographicOperations.FixedTimeEquals(presented, _hash);

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
