namespace Counter.KvStore.Storage;

/// <summary>
/// The outcome of a put. On a failed precondition, <paramref name="Version"/> and
/// <paramref name="Current"/> describe the live entry that won (0 and null when there is none), so
/// a compare-and-set client can retry without reading the key again. <paramref name="Error"/> says
/// why a put of a batch was <see cref="WriteOutcome.Unavailable"/> or <see cref="WriteOutcome.TooLarge"/>.
/// </summary>
public sealed record WriteResult(WriteOutcome Outcome, long Version, byte[]? Current = null, string? Error = null)
{
    public static WriteResult Unavailable(string error) => new(WriteOutcome.Unavailable, 0, null, error);

    public static WriteResult TooLarge(string error) => new(WriteOutcome.TooLarge, 0, null, error);
}
