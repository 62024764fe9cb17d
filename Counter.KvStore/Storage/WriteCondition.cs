namespace Counter.KvStore.Storage;

/// <summary>
/// A write precondition. <see cref="IfMatch"/> replaces only the version given;
/// <see cref="IfNoneMatch"/> creates only when no live value exists.
/// </summary>
public readonly record struct WriteCondition(long? IfMatch = null, bool IfNoneMatch = false)
{
    public static WriteCondition None => default;
}
