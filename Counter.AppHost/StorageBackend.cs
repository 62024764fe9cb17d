namespace Counter.AppHost;

/// <summary>Where the store keeps its data (Counter:StorageBackend): the store's Storage:Backend, in the same words.</summary>
internal enum StorageBackend
{
    Embedded,
    Redis,
}
