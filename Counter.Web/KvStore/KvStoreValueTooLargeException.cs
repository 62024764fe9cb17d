namespace Counter.Web.KvStore;

/// <summary>
/// The store refused a value (or a batch holding only it) as over its size limit (413). Nothing was
/// written, and sending it again cannot help: unlike <see cref="KvStoreUnavailableException"/>, not
/// worth a retry.
/// </summary>
public sealed class KvStoreValueTooLargeException(string message) : Exception(message);
