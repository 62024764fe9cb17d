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
/// set <c>Testing:TestClock=true</c> to get a clock they can move forward over HTTP
/// (<c>POST /_testing/clock?offsetSeconds=N</c> sets the clock to system time + N), so expiry is
/// tested without waiting. Setting (not adding) an offset is idempotent, so a test can repeat the
/// call until every replica behind a load balancer has answered; each answers with its process id.
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
            hooks.MapPost(EndpointPath, (string? offsetSeconds, TestClock clock) =>
            {
                // Ten years either way is far more than any test needs, and keeps the clock representable.
                if (!double.TryParse(offsetSeconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                    || !double.IsFinite(seconds) || Math.Abs(seconds) > MaxOffset.TotalSeconds)
                {
                    return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid clock offset",
                        detail: $"offsetSeconds must be a number of seconds within ±{MaxOffset.TotalSeconds:0}.");
                }
                clock.SetOffset(TimeSpan.FromSeconds(seconds));
                return Results.Ok(new { now = clock.GetUtcNow(), processId = Environment.ProcessId });
            }).ExcludeFromDescription();
        }
    }
}
