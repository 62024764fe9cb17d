using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Configuration;

/// <summary>The settings a service was given under a name that has moved (<see cref="MovedSettings"/>): one warning each at start.</summary>
public sealed partial class MovedSettingsWarnings(IReadOnlyList<(string Old, string New, bool Ignored)> moves, ILogger logger)
{
    public void Write()
    {
        foreach (var (old, current, ignored) in moves)
        {
            if (ignored)
            {
                LogIgnored(logger, old, current);
            }
            else
            {
                LogMoved(logger, old, current);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The setting {Old} has moved to {New}; the old name still works for now. Set {New} instead.")]
    private static partial void LogMoved(ILogger logger, string old, string @new);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The setting {Old} has moved to {New}, which is set too: {Old} is ignored. Remove it.")]
    private static partial void LogIgnored(ILogger logger, string old, string @new);
}
