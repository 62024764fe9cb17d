using System.Buffers.Text;
using System.Text;

namespace Counter.KvStore.Api;

/// <summary>
/// The cursor of a paged listing: the last key of the page, base64url-encoded so that it is opaque
/// to clients and safe in a query string. Every backend pages in key order from it.
/// </summary>
public static class ListingCursor
{
    /// <summary>Longer than any cursor this store issues (keys are at most a few hundred characters).</summary>
    private const int MaxLength = 2048;

    public static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(key));

    /// <summary>False for anything this store did not issue (too long, not base64url).</summary>
    public static bool TryDecode(string cursor, out string? key)
    {
        key = null;
        if (cursor.Length > MaxLength)
        {
            return false;
        }
        try
        {
            key = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
