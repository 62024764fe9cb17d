using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// The storage key a session identifier maps to, computed independently of the web app's code:
/// "session:" + base64url(HMAC-SHA256(secret, identifier)).
/// </summary>
public static class StorageKeys
{
    public static string For(string identifier) =>
        "session:" + Base64Url.EncodeToString(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(CounterAppFixture.SessionKeySecret), Encoding.ASCII.GetBytes(identifier)));
}
