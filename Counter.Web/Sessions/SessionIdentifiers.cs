using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Counter.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// Session identifiers and the storage keys derived from them.
/// An identifier is 256 bits from the OS CSPRNG, base64url (43 characters). The store never sees
/// it: the storage key is "session:" + base64url(HMAC-SHA256(secret, identifier)), so reading the
/// store (or its dump, or a trace of its URLs) yields nothing that can be replayed as a cookie.
/// </summary>
public sealed class SessionIdentifiers
{
    private const int IdentifierBytes = 32;
    private static readonly int IdentifierLength = Base64Url.GetEncodedLength(IdentifierBytes);

    private readonly byte[] _secret;

    public SessionIdentifiers(IOptions<SessionOptions> options)
    {
        _secret = Encoding.UTF8.GetBytes(options.Value.KeySecret ?? string.Empty);
    }

    public static string NewIdentifier() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(IdentifierBytes));

    /// <summary>Only strings that could be one of our identifiers are worth a store lookup.</summary>
    public static bool IsWellFormed(string? value) =>
        value is not null && value.Length == IdentifierLength && Base64Url.IsValid(value);

    /// <summary>The key the session with this identifier is stored under.</summary>
    public StorageKey StorageKeyOf(string identifier)
    {
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, Encoding.ASCII.GetBytes(identifier), hash);
        return new StorageKey(StoreKeyPrefixes.Sessions + Base64Url.EncodeToString(hash));
    }
}
