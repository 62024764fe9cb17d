namespace Microsoft.Extensions.Configuration;

/// <summary>Reading settings that must fail fast, with a message a reader can act on.</summary>
public static class ConfigurationExtensions
{
    /// <summary>
    /// The enum named by <paramref name="key"/>, <paramref name="defaultValue"/> when unset; any other
    /// value stops the service at start-up with a message naming the allowed values (never silently the default).
    /// </summary>
    public static T GetChoice<T>(this IConfiguration configuration, string key, T defaultValue) where T : struct, Enum
    {
        var value = configuration[key];
        if (string.IsNullOrEmpty(value))
        {
            return defaultValue;
        }
        return Enum.TryParse<T>(value, ignoreCase: true, out var choice) && Enum.IsDefined(choice) && !char.IsAsciiDigit(value[0])
            ? choice
            : throw new SettingException($"{key} is '{value}'; it must be one of: {string.Join(", ", Enum.GetNames<T>())}.");
    }
}
