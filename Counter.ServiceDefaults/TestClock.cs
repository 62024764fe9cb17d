using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Every service reads time from <see cref="TimeProvider"/>. Integration tests, and only they,
/// set <c>Testing:ClockControl=true</c> to get a clock they can move forward over HTTP
/// (<c>POST /_testing/clock?advanceSeconds=N</c>), so expiry is tested without waiting.
/// </summary>
public static class TestClockExtensions
{
    public const string SettingName = "Testing:ClockControl";
    public const string EndpointPath = "/_testing/clock";

    public static TBuilder AddTestClock<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        if (builder.Configuration.GetValue<bool>(SettingName))
        {
            builder.Services.AddSingleton<AdjustableClock>();
            builder.Services.AddSingleton<TimeProvider>(sp => sp.GetRequiredService<AdjustableClock>());
        }
        else
        {
            builder.Services.TryAddSingleton(TimeProvider.System);
        }
        return builder;
    }

    public static WebApplication MapTestClock(this WebApplication app)
    {
        if (app.Configuration.GetValue<bool>(SettingName))
        {
            app.MapPost(EndpointPath, (string advanceSeconds, AdjustableClock clock) =>
            {
                clock.Advance(TimeSpan.FromSeconds(double.Parse(advanceSeconds, CultureInfo.InvariantCulture)));
                return Results.Ok(new { now = clock.GetUtcNow() });
            }).ExcludeFromDescription();
        }
        return app;
    }

    /// <summary>System time plus an offset that only grows.</summary>
    public sealed class AdjustableClock : TimeProvider
    {
        private long _offsetTicks;

        public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

        public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, Math.Max(0, by.Ticks));
    }
}
