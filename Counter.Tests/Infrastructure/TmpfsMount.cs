using System.Diagnostics;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// A small tmpfs mounted under the temporary folder, to give a store a disk that can be filled to
/// the last byte or remounted read-only. Mounting needs root (CAP_SYS_ADMIN); <see cref="Mounted"/>
/// says whether it worked, and a test skips through <see cref="RequiredTools"/> when it did not.
/// </summary>
public sealed class TmpfsMount : IAsyncDisposable
{
    public const string NeedsRoot = "Mounting a tmpfs needs root: run the tests as root (as .ci/run does) or with CAP_SYS_ADMIN.";

    private TmpfsMount(string path, bool mounted) => (Path, Mounted) = (path, mounted);

    public string Path { get; }

    public bool Mounted { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's syntax: 4m, 8m).</summary>
    public static async Task<TmpfsMount> CreateAsync(string size)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "counter-tests", "tmpfs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return new TmpfsMount(path, await RunAsync("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path) == 0);
    }

    /// <summary>Writes a file until the file system has no byte left.</summary>
    public void Fill()
    {
        var chunk = new byte[64 * 1024];
        using var file = new FileStream(Filler, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.None);
        try
        {
            while (true)
            {
                file.Write(chunk);
            }
        }
        catch (IOException)
        {
            // Full. Fill the last partial chunk too: halve until 1 byte.
            for (var size = chunk.Length / 2; size > 0; size /= 2)
            {
                try
                {
                    file.Write(chunk.AsSpan(0, size));
                }
                catch (IOException)
                {
                    // That much no longer fits; try half.
                }
            }
        }
    }

    /// <summary>Frees what <see cref="Fill"/> took.</summary>
    public void Free() => File.Delete(Filler);

    /// <summary>mount -o remount,ro: every write to the file system fails with EROFS from now on.</summary>
    public async Task RemountReadOnlyAsync() =>
        Assert.Equal(0, await RunAsync("mount", "-o", "remount,ro", Path));

    public async ValueTask DisposeAsync()
    {
        if (Mounted)
        {
            await RunAsync("umount", "-l", Path);
        }
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under /tmp.
        }
    }

    private static async Task<int> RunAsync(string command, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // No such command.
        }
    }
}
