using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// A network partition on loopback: nftables rules that drop every TCP packet to or from the given
/// ports (<c>tcp dport</c> and <c>tcp sport</c> in an <c>input</c> hook on <c>lo</c>, which both
/// directions pass), so new connections time out and established ones stall until the heal, then
/// resume by retransmission. The rules live in one table of this instance's own
/// (<c>counter_campaign_&lt;pid&gt;_&lt;n&gt;</c>), created by a cut and deleted by the heal or on
/// dispose; tables a killed test process left behind are deleted by the next cut. Needs nft and root.
/// </summary>
public sealed partial class NetworkPartition : IAsyncDisposable
{
    public const string InstallStep = "Network partitions need nft as root: sudo apt-get install -y nftables, and run the tests as root.";

    private const string TablePrefix = "counter_campaign_";

    private static int s_instances;

    private readonly string _table = $"{TablePrefix}{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}_{Interlocked.Increment(ref s_instances).ToString(CultureInfo.InvariantCulture)}";

    private bool _cut;

    /// <summary>Whether nft runs and may change rules here (it lists tables only with CAP_NET_ADMIN).</summary>
    public static bool IsAvailable { get; } = Probe();

    /// <summary>Drops every TCP packet to or from <paramref name="ports"/> on loopback until <see cref="HealAsync"/>.</summary>
    public async Task CutAsync(params int[] ports)
    {
        if (_cut)
        {
            throw new InvalidOperationException("Already cut: heal first.");
        }
        await DeleteLeftoversAsync();
        var set = string.Join(", ", ports.Select(port => port.ToString(CultureInfo.InvariantCulture)));
        await NftAsync(["-f", "-"], $$"""
            table inet {{_table}} {
              chain input {
                type filter hook input priority -10; policy accept;
                iifname "lo" tcp dport { {{set}} } drop
                iifname "lo" tcp sport { {{set}} } drop
              }
            }

            """);
        _cut = true;
    }

    /// <summary>Removes the rules (the whole table).</summary>
    public async Task HealAsync()
    {
        if (_cut)
        {
            await NftAsync(["delete", "table", "inet", _table]);
            _cut = false;
        }
    }

    public async ValueTask DisposeAsync() => await HealAsync();

    /// <summary>Tables of test processes that no longer run (a crash or a kill skipped their heal).</summary>
    private static async Task DeleteLeftoversAsync()
    {
        foreach (Match table in LeftoverTable().Matches(await NftAsync(["list", "tables"])))
        {
            if (!Directory.Exists($"/proc/{table.Groups["pid"].Value}"))
            {
                await NftAsync(["delete", "table", "inet", table.Groups["name"].Value]);
            }
        }
    }

    private static async Task<string> NftAsync(string[] arguments, string? script = null)
    {
        using var nft = Start(arguments);
        if (script is not null)
        {
            await nft.StandardInput.WriteAsync(script);
        }
        nft.StandardInput.Close();
        var output = nft.StandardOutput.ReadToEndAsync();
        var error = nft.StandardError.ReadToEndAsync();
        await nft.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
        if (nft.ExitCode != 0)
        {
            throw new InvalidOperationException($"nft {string.Join(' ', arguments)} exited with {nft.ExitCode}: {await error}");
        }
        return await output;
    }

    private static Process Start(string[] arguments) =>
        Process.Start(new ProcessStartInfo("nft", arguments)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("Could not run nft.");

    private static bool Probe()
    {
        try
        {
            using var nft = Start(["list", "tables"]);
            nft.StandardInput.Close();
            _ = nft.StandardOutput.ReadToEndAsync();
            _ = nft.StandardError.ReadToEndAsync();
            return nft.WaitForExit(TestTimeouts.Request) && nft.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // Not installed.
        }
    }

    [GeneratedRegex(@"^table inet (?<name>counter_campaign_(?<pid>\d+)_\d+)$", RegexOptions.Multiline)]
    private static partial Regex LeftoverTable();
}
