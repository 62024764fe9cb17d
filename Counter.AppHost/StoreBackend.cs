namespace Counter.AppHost;

/// <summary>The store's Storage:Backend, in the same words.</summary>
internal enum StoreBackend
{
    Embedded,
    Redis,
}
