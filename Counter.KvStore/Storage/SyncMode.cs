namespace Counter.KvStore.Storage;

public enum SyncMode
{
    Full,
    Normal,
}
