using System.Diagnostics;
using System.Globalization;
using Counter.ServiceDefaults;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// Makes one store process the only owner of a data folder. Two processes on one database would
/// each keep their own version counter (read once at open), issue the same version twice and let a
/// stale compare-and-set through, so a second process refuses to start instead. The lock is an
/// exclusive <c>flock</c> on <c>kvstore.lock</c> (what .NET takes for <see cref="FileShare.None"/>
/// on Unix): the kernel drops it when the owner exits, however it exits, so after a kill -9 the next
/// process starts at once. The owner's process id is written to <c>kvstore.owner</c> so that a
/// refused process can name it.
/// </summary>
internal sealed class DataFolderLock : IDisposable
{
    private const string LockFileName = "kvstore.lock";
    private const string OwnerFileName = "kvstore.owner";

    private readonly FileStream _lock;

    private DataFolderLock(FileStream lockFile) => _lock = lockFile;

    /// <summary>
    /// Takes the folder, waiting up to <paramref name="wait"/> for an owner that is shutting down;
    /// throws <see cref="DataFolderInUseException"/> when another live process still holds it.
    /// </summary>
    public static DataFolderLock Acquire(string folder, TimeSpan wait)
    {
        var lockPath = Path.Combine(folder, LockFileName);
        var ownerPath = Path.Combine(folder, OwnerFileName);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                OwnerOnly.CreateFile(lockPath);
                var lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                OwnerOnly.CreateFile(ownerPath);
                File.WriteAllText(ownerPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
                return new DataFolderLock(lockFile);
            }
            catch (IOException) when (waited.Elapsed < wait)
            {
                Thread.Sleep(100);
            }
            catch (IOException ex)
            {
                throw new DataFolderInUseException(folder, ReadOwner(ownerPath), ex);
            }
        }
    }

    private static int? ReadOwner(string ownerPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(ownerPath).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _lock.Dispose();
}
