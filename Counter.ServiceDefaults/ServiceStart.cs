using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// How every Counter service refuses to start: a setting it cannot run with (a <see cref="SettingException"/>
/// from its own checks, or options that fail validation at start) ends the process with one line on
/// standard error naming the setting, and exit code <see cref="InvalidSetting"/>, never an unhandled
/// exception with a stack trace and an abort. Any other failure is not a refusal and stays a crash.
/// </summary>
public static class ServiceStart
{
    /// <summary>The exit code of a service that refused a setting (docs/configuration.md lists every exit code).</summary>
    public const int InvalidSetting = 2;

    /// <summary>
    /// The builder every Counter service starts from: ASP.NET Core's defaults, except that the settings files
    /// are read once at start and not watched. Every setting is validated and bound at start, so a changed
    /// file could not take effect without a restart anyway; and the watch covers the content root's whole
    /// tree, so a store whose data folder is inside it (the default `.data`) would wake the watcher on each commit.
    /// </summary>
    public static WebApplicationBuilder CreateBuilder(string[] args) =>
        WebApplication.CreateBuilder([.. args, "--hostBuilder:reloadConfigOnChange=false"]);

    /// <summary>Runs the whole service (building and running its host); its exit code.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> service)
    {
        try
        {
            return await service();
        }
        catch (Exception ex) when (Refusal(ex) is { } reason)
        {
            await Console.Error.WriteLineAsync($"{reason} The service did not start (exit code {InvalidSetting}).");
            return InvalidSetting;
        }
    }

    /// <summary>
    /// Validates every option registered with ValidateOnStart now, right after the host is built, so a
    /// bad value is refused here (one line) rather than in the host's start, which logs it with a stack trace;
    /// first, warns about each setting given under a name that has moved.
    /// </summary>
    public static void ValidateSettings(IServiceProvider services)
    {
        (services.GetService(typeof(MovedSettingsWarnings)) as MovedSettingsWarnings)?.Write();
        (services.GetService(typeof(IStartupValidator)) as IStartupValidator)?.Validate();
    }

    private static string? Refusal(Exception exception) => exception switch
    {
        SettingException setting => setting.Message,
        OptionsValidationException options => string.Join(" ", options.Failures),
        AggregateException { InnerExceptions: var inner } when inner.All(e => Refusal(e) is not null) => string.Join(" ", inner.Select(Refusal)),
        _ => null,
    };
}
