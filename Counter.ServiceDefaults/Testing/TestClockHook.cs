using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Counter.ServiceDefaults.Testing;

/// <summary>
/// Every service reads time from <see cref="TimeProvider"/>. Integration tests, and only they,
/// set <c>Testing:TestClock=true</c> to get a clock they can move over HTTP, so expiry is tested
/// without waiting: <c>POST /_testing/clock?offsetSeconds=N</c> says N seconds have passed (the wall
/// clock and the monotonic timestamp both move), <c>stepSeconds=N</c> steps the wall clock alone by N
/// (a clock correction: the monotonic timestamp stays). Either or both may be given. Setting (not
/// adding) is idempotent, so a test can repeat the call until every replica behind a load balancer
/// has answered; each answers with its process id.
/// </summary>
internal static class TestClockHook
{
    public const string SettingName = "Testing:TestClock";
    public const string EndpointPath = "/_testing/clock";
    private static readonly TimeSpan MaxOffset = TimeSpan.FromDays(3650);

    public static void Add(IHostApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<bool>(SettingName))
        {
            builder.Services.AddSingleton<TestClock>();
            builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<TestClock>());
        }
    }

    public static void Map(WebApplication app, RouteGroupBuilder hooks)
    {
        if (app.Configuration.GetValue<bool>(SettingName))
        {
            hooks.MapPost(EndpointPath, (string? offsetSeconds, string? stepSeconds, TestClock clock) =>
            {
                if ((offsetSeconds is null && stepSeconds is null) || !TryParse(offsetSeconds, out var passed))
                {
                    return Invalid("offsetSeconds", " (or stepSeconds, a step of the wall clock alone)");
                }
                if (!TryParse(stepSeconds, out var step))
                {
                    return Invalid("stepSeconds", "");
                }
                if (passed is { } p)
                {
                    clock.SetPassed(p);
                }
                if (step is { } s)
                {
                    clock.SetStep(s);
                }
                return Results.Ok(new { now = clock.GetUtcNow(), processId = Environment.ProcessId });
            }).ExcludeFromDescription();
        }
    }

    /// <summary>Absent is valid (that part of the clock stays); present must be a number within the bound.</summary>
    private static bool TryParse(string? text, out TimeSpan? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }
        // Ten years either way is far more than any test needs, and keeps the clock representable.
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            || !double.IsFinite(seconds) || Math.Abs(seconds) > MaxOffset.TotalSeconds)
        {
            return false;
        }
        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    private static IResult Invalid(string name, string alternative) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid clock offset",
            detail: $"{name} must be a number of seconds within ±{MaxOffset.TotalSeconds:0}{alternative}.");
}
