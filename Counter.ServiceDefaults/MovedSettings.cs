using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Configuration;

/// <summary>
/// Settings that moved to a new name keep working under the old one, so an existing deployment still
/// starts: the old value is read as the new setting (unless the new one is set too), and the service
/// logs a warning at start naming both (<see cref="MovedSettingsWarnings"/>, written by <c>ServiceStart.ValidateSettings</c>).
/// </summary>
public static class MovedSettings
{
    public static TBuilder MoveSettings<TBuilder>(this TBuilder builder, IReadOnlyDictionary<string, string> moves) where TBuilder : IHostApplicationBuilder
    {
        builder.Configuration.MoveSettings(builder.Services, moves);
        return builder;
    }

    /// <summary>
    /// The same for a host that is no <see cref="IHostApplicationBuilder"/> (the AppHost): it registers
    /// the <see cref="MovedSettingsWarnings"/> in <paramref name="services"/> and writes them itself.
    /// </summary>
    public static void MoveSettings(this IConfigurationManager configuration, IServiceCollection services, IReadOnlyDictionary<string, string> moves)
    {
        var read = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var warnings = new List<(string Old, string New, bool Ignored)>();
        foreach (var (old, current) in moves)
        {
            if (configuration[old] is not { } value)
            {
                continue;
            }
            var ignored = configuration[current] is { } set && set != value;
            if (configuration[current] is null)
            {
                read[current] = value;
            }
            warnings.Add((old, current, ignored));
        }
        if (read.Count > 0)
        {
            configuration.AddInMemoryCollection(read);
        }
        if (warnings.Count > 0)
        {
            services.AddSingleton(provider => new MovedSettingsWarnings(warnings, provider.GetRequiredService<ILoggerFactory>().CreateLogger("Counter.Settings")));
        }
    }
}
