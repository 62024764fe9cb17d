using System.Buffers;

namespace Counter.KvStore.Api;

/// <summary>
/// Which keys the store accepts: 1..MaxKeyLength characters of A–Z a–z 0–9 and <c>- _ . : ~</c>,
/// not starting with a dot (no <c>.</c>/<c>..</c> path tricks), and not a reserved route name.
/// Printable ASCII only, so keys sort the same everywhere and need no escaping in URLs.
/// </summary>
public static class KeyRules
{
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:~");

    private static readonly string[] Reserved = ["health", "alive", "openapi", "v1"];

    /// <summary>Null when the key is acceptable, else a sentence saying what is wrong.</summary>
    public static string? Check(string? key, ApiLimits options)
    {
        if (string.IsNullOrEmpty(key))
        {
            return "The key is empty.";
        }
        if (key.Length > options.MaxKeyLength)
        {
            return $"The key is {key.Length} characters long; the limit is {options.MaxKeyLength}.";
        }
        if (key.AsSpan().IndexOfAnyExcept(Allowed) is var bad and >= 0)
        {
            return $"The key contains '{Printable(key[bad])}' at position {bad}; keys may contain only A-Z a-z 0-9 and - _ . : ~";
        }
        if (key[0] == '.')
        {
            return "Keys may not start with '.'.";
        }
        if (Reserved.Contains(key, StringComparer.Ordinal))
        {
            return $"'{key}' is reserved for the store's own routes.";
        }
        return null;
    }

    /// <summary>Prefixes follow the key alphabet but may be empty.</summary>
    public static string? CheckPrefix(string? prefix, ApiLimits options) =>
        string.IsNullOrEmpty(prefix) ? null
        : prefix.Length > options.MaxKeyLength ? $"The prefix is longer than {options.MaxKeyLength} characters."
        : prefix.AsSpan().IndexOfAnyExcept(Allowed) >= 0 ? "The prefix may contain only A-Z a-z 0-9 and - _ . : ~"
        : null;

    private static string Printable(char c) => char.IsControl(c) || char.IsWhiteSpace(c) ? $"U+{(int)c:X4}" : c.ToString();
}
