using System.ComponentModel.DataAnnotations;

namespace Counter.KvStore.Api;

/// <summary>What the store's API accepts, whatever the engine. Bound from the "Api" section.</summary>
public sealed class ApiLimits
{
    public const string SectionName = "Api";

    /// <summary>Longest key accepted, in characters.</summary>
    [Range(1, 1024)]
    public int MaxKeyLength { get; set; } = 250;

    /// <summary>Largest single JSON value accepted, in UTF-8 bytes. Sessions are small; 64 KiB is generous.</summary>
    [Range(16, 16 * 1024 * 1024)]
    public int MaxValueBytes { get; set; } = 64 * 1024;

    /// <summary>Largest request body accepted (the original bulk <c>POST /</c> may carry many keys).</summary>
    [Range(16, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}
