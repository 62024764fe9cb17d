namespace Counter.KvStore.Storage.Sqlite;

/// <summary>State shared by the operations of one batch; the totals are applied only after commit.</summary>
internal sealed class WriteBatch(long now)
{
    /// <summary>The batch's clock (Unix ms): every operation in it judges expiry at the same instant.</summary>
    public long Now { get; } = now;
    public long Keys { get; set; }
    public long Bytes { get; set; }
    public long VersionWritten { get; set; }
}
