using System.Diagnostics;
using System.Globalization;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// I/O errors injected into a running process with libfiu (Debian's <c>fiu-utils</c>): a process
/// started through <see cref="Launcher"/> (<c>fiu-run -x</c>, which preloads libfiu's POSIX failure
/// points and opens a remote-control fifo under a folder of this instance) fails the named calls
/// with EIO between <see cref="EnableAsync"/> and <see cref="DisableAsync"/> (<c>fiu-ctrl</c>).
/// SQLite (e_sqlite3) commits through <c>pwrite64</c> and <c>fsync</c> (it imports no
/// <c>fdatasync</c>), so <see cref="SyncPoints"/> and <see cref="WritePoints"/> hit every commit,
/// while the console and sockets, which use <c>write</c> and <c>send</c>, keep working.
/// </summary>
public sealed class FiuControl : IDisposable
{
    public const string InstallStep = "libfiu's fiu-run and fiu-ctrl are missing; install them with: sudo apt-get install -y fiu-utils";

    /// <summary>fsync and fdatasync fail.</summary>
    public static readonly string[] SyncPoints = ["posix/io/sync/fsync", "posix/io/sync/fdatasync"];

    /// <summary>Positional file writes fail (pwrite, pwrite64, pwritev); plain write (console, pipes) does not.</summary>
    public static readonly string[] WritePoints = ["posix/io/rw/pwrite", "posix/io/rw/pwritev"];

    private const int Eio = 5;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "counter-tests", "fiu-" + Guid.NewGuid().ToString("N"));

    public FiuControl() => Directory.CreateDirectory(_folder);

    /// <summary>The command that starts a program under libfiu with remote control; the program and its arguments follow.</summary>
    public IReadOnlyList<string> Launcher => ["fiu-run", "-x", "-f", ControlPrefix];

    private string ControlPrefix => Path.Combine(_folder, "ctrl");

    /// <summary>Whether <c>fiu-run -x</c> can start a program here (the package is installed and its preload library loads).</summary>
    public static async Task<bool> AvailableAsync()
    {
        try
        {
            // fiu-ctrl -h prints its usage and exits 1; it only has to be there.
            return (await RunAsync("fiu-run", ["-x", "-f", "", "true"])).ExitCode == 0 && (await RunAsync("fiu-ctrl", ["-h"])).ExitCode == 1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // No such command.
        }
    }

    /// <summary>From now on every call at <paramref name="points"/> in process <paramref name="processId"/> fails with EIO.</summary>
    public Task EnableAsync(int processId, IEnumerable<string> points) =>
        ControlAsync(processId, points.Select(point => $"enable name={point},failinfo={Eio.ToString(CultureInfo.InvariantCulture)}"));

    public Task DisableAsync(int processId, IEnumerable<string> points) =>
        ControlAsync(processId, points.Select(point => $"disable name={point}"));

    private async Task ControlAsync(int processId, IEnumerable<string> commands)
    {
        var arguments = new List<string> { "-f", ControlPrefix };
        foreach (var command in commands)
        {
            arguments.AddRange(["-c", command]);
        }
        arguments.Add(processId.ToString(CultureInfo.InvariantCulture));
        // fiu-ctrl exits 0 even when it skipped an unknown process or a command failed; it says so on stdout.
        var (exitCode, output) = await RunAsync("fiu-ctrl", arguments);
        if (exitCode != 0 || output.Contains("rror", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"fiu-ctrl {string.Join(' ', arguments)} failed ({exitCode}): {output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, IEnumerable<string> arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            // fiu-ctrl blocks on the fifo of a process that no longer reads it.
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within {TestTimeouts.Request}.");
        }
        return (process.ExitCode, await output + await errors);
    }

    /// <summary>Removes the fifos of every process started through <see cref="Launcher"/> (a killed one leaves its fifos behind).</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under /tmp.
        }
    }
}
