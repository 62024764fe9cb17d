namespace Counter.Web.KvStore;

/// <summary>
/// The store gave no usable answer in time: refused, timed out, circuit open, 5xx, 401, or a
/// malformed reply. The operation may or may not have been applied; callers that must not lose a
/// write treat it as not acknowledged.
/// </summary>
public sealed class KvStoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
