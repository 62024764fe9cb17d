namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// The data folder cannot be used at all: it cannot be created or made owner-only, its lock cannot
/// be taken, or no database in it can be opened, not even read-only (a read-only or full disk with
/// no database on it). The store refuses to start; <see cref="EmbeddedStart"/> gives the exit code.
/// </summary>
public sealed class DataFolderUnusableException(string folder, string reason, Exception? inner = null)
    : Exception($"The data folder {folder} cannot be used: {reason}", inner);
