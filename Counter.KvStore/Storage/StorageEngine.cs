namespace Counter.KvStore.Storage;

/// <summary>
/// The service key under which the chosen engine registers its <see cref="IKeyValueStorage"/>; the
/// store's handlers get it wrapped in telemetry (the unkeyed registration).
/// </summary>
public static class StorageEngine
{
    public const string Key = "engine";
}
