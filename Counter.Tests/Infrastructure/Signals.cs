using System.Globalization;

namespace Counter.Tests.Infrastructure;

/// <summary>Signals to processes a test started (SIGSTOP / SIGCONT for pauses), sent with kill(1).</summary>
public static class Signals
{
    public static async Task SendAsync(int processId, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", processId.ToString(CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("Could not run kill.");
        await kill.WaitForExitAsync().WaitAsync(TestTimeouts.Request);
    }
}
