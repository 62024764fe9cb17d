using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Counter.ServiceDefaults;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// Makes one store process the only owner of a data folder. Two processes on one database would
/// each keep their own version counter (read once at open), issue the same version twice and let a
/// stale compare-and-set through, so a second process refuses to start instead. The lock is an
/// exclusive <c>flock</c> on <c>kvstore.lock</c>, taken by <see cref="ExclusiveFileLock"/> on Linux
/// whatever .NET's file-locking switch says (elsewhere it is the lock .NET takes for
/// <see cref="FileShare.None"/>, and a store with that switch on refuses to start). The kernel drops
/// it when the owner exits, however it exits, so after a kill -9 the next process starts at once.
/// The lock file is opened for reading only, so a read-only disk can still be locked. The owner's
/// process id is written to <c>kvstore.owner</c> so that a refused process can name it.
/// </summary>
internal sealed class DataFolderLock : IDisposable
{
    private const string LockFileName = "kvstore.lock";
    private const string OwnerFileName = "kvstore.owner";

    private readonly FileStream _lock;

    private DataFolderLock(FileStream lockFile) => _lock = lockFile;

    /// <summary>
    /// Takes the folder, waiting up to <paramref name="wait"/> for an owner that is shutting down;
    /// throws <see cref="DataFolderInUseException"/> when another live process still holds it, and
    /// <see cref="DataFolderUnusableException"/> when the lock cannot be taken at all.
    /// </summary>
    public static DataFolderLock Acquire(string folder, TimeSpan wait)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows() && DotNetFileLockingIsOff())
        {
            throw new DataFolderUnusableException(folder,
                "file locking is switched off (DOTNET_SYSTEM_IO_DISABLEFILELOCKING or System.IO.DisableFileLocking), " +
                "and on this operating system the store has no other lock to make itself the folder's only owner. Unset it.");
        }
        var lockPath = Path.Combine(folder, LockFileName);
        var ownerPath = Path.Combine(folder, OwnerFileName);
        try
        {
            OwnerOnly.CreateFile(lockPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataFolderUnusableException(folder, $"its lock file {LockFileName} cannot be created ({ex.Message}).", ex);
        }
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (TryLock(folder, lockPath) is { } lockFile)
            {
                RecordOwner(ownerPath);
                return new DataFolderLock(lockFile);
            }
            if (waited.Elapsed >= wait)
            {
                throw new DataFolderInUseException(folder, ReadOwner(ownerPath));
            }
            Thread.Sleep(100);
        }
    }

    /// <summary>The lock file, open and locked; null while another process holds the lock.</summary>
    private static FileStream? TryLock(string folder, string lockPath)
    {
        FileStream lockFile;
        try
        {
            // FileShare.None is the lock on Windows; on Unix .NET takes a flock for it unless switched off.
            lockFile = new FileStream(lockPath, FileMode.Open, FileAccess.Read, FileShare.None);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DataFolderUnusableException(folder, $"its lock file {LockFileName} cannot be opened ({ex.Message}).", ex);
        }
        catch (IOException)
        {
            return null; // Held: .NET's own lock, or the share mode on Windows.
        }
        if (!OperatingSystem.IsLinux())
        {
            return lockFile;
        }
        try
        {
            if (ExclusiveFileLock.TryTake(lockFile.SafeFileHandle))
            {
                return lockFile;
            }
        }
        catch (Win32Exception ex)
        {
            lockFile.Dispose();
            throw new DataFolderUnusableException(folder,
                $"its lock file {LockFileName} cannot be locked ({ex.Message}); a file system without locks (NFS and the like) cannot hold a store's data.", ex);
        }
        lockFile.Dispose();
        return null;
    }

    /// <summary>
    /// Best effort: the id only lets a refused process name the owner. A disk that refuses the write
    /// (full, read-only) leaves the previous id there, and the store starts anyway.
    /// </summary>
    private static void RecordOwner(string ownerPath)
    {
        try
        {
            OwnerOnly.CreateFile(ownerPath);
            File.WriteAllText(ownerPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // See above.
        }
    }

    private static bool DotNetFileLockingIsOff() =>
        (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var off) && off)
        || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is { } value
            && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    private static int? ReadOwner(string ownerPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(ownerPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _lock.Dispose();
}
