using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.Win32.SafeHandles;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>
/// flock(2) called directly. .NET takes the same lock for <see cref="FileShare.None"/> on Unix, but
/// not when its switch for file systems without locks is on (DOTNET_SYSTEM_IO_DISABLEFILELOCKING or
/// System.IO.DisableFileLocking): the data folder's one-owner rule must not depend on a switch.
/// </summary>
internal static partial class ExclusiveFileLock
{
    private const int LockExclusive = 2; // LOCK_EX
    private const int NoWait = 4; // LOCK_NB
    private const int Interrupted = 4; // EINTR
    private const int WouldBlock = 11; // EWOULDBLOCK (= EAGAIN) on Linux

    /// <summary>
    /// True once this open file holds the exclusive lock (the kernel drops it when the file is closed,
    /// however the process ends); false while another open file holds it. Any other failure (a file
    /// system without locks answers ENOLCK, for example) throws <see cref="Win32Exception"/>.
    /// </summary>
    [SupportedOSPlatform("linux")]
    public static bool TryTake(SafeFileHandle file)
    {
        var added = false;
        file.DangerousAddRef(ref added);
        try
        {
            var descriptor = checked((int)file.DangerousGetHandle());
            while (true)
            {
                if (Flock(descriptor, LockExclusive | NoWait) == 0)
                {
                    return true;
                }
                var error = Marshal.GetLastPInvokeError();
                if (error == WouldBlock)
                {
                    return false;
                }
                if (error != Interrupted)
                {
                    throw new Win32Exception(error);
                }
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int descriptor, int operation);
}
