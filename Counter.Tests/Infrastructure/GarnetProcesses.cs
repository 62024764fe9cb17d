using System.Diagnostics;
using System.Globalization;

namespace Counter.Tests.Infrastructure;

/// <summary>The Garnet processes an app's AppHost started, found through /proc (Linux).</summary>
public static class GarnetProcesses
{
    private static readonly string[] TcpTables = ["/proc/net/tcp", "/proc/net/tcp6"];

    /// <summary>This app's Garnet processes (dotnet tool run and the server it runs): their command lines name its data folder.</summary>
    public static List<Process> Find(string dataPath) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => Path.GetFileName(d))
            .Where(name => name.All(char.IsAsciiDigit))
            .Where(pid =>
            {
                try
                {
                    var command = File.ReadAllText($"/proc/{pid}/cmdline");
                    return command.Contains("garnet", StringComparison.OrdinalIgnoreCase) && command.Contains(dataPath, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            })
            .Select(pid => Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture)))
            .ToList();

    /// <summary>The TCP ports these processes listen on: their socket descriptors matched against /proc/net/tcp and tcp6.</summary>
    public static IReadOnlyList<int> ListeningTcpPorts(IEnumerable<Process> processes)
    {
        var sockets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var process in processes)
        {
            foreach (var descriptor in Directory.EnumerateFiles($"/proc/{process.Id}/fd"))
            {
                if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    sockets.Add(target["socket:[".Length..^1]);
                }
            }
        }
        // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; st 0A is LISTEN.
        return [.. TcpTables
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(columns => columns[3] == "0A" && sockets.Contains(columns[9]))
            .Select(columns => int.Parse(columns[1][(columns[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            .Distinct()];
    }
}
