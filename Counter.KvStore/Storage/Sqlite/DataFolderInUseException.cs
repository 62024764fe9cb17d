namespace Counter.KvStore.Storage.Sqlite;

/// <summary>Another live store process owns the data folder (see <see cref="DataFolderLock"/>).</summary>
public sealed class DataFolderInUseException(string folder, int? ownerProcessId, Exception? inner = null) : Exception(
    $"The data folder {folder} is in use by another store process{(ownerProcessId is { } id ? $" (process id {id})" : "")}; " +
    "two stores on one folder would lose updates. Stop that process or give this one another Storage:Sqlite:DataPath.", inner);
