using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Counter.ServiceDefaults.Timing;

/// <summary>Wires <see cref="ServerTimings"/> into a service: one per request when <c>ServerTiming:Enabled</c> is on.</summary>
public static class ServerTimingSetup
{
    /// <summary>Reads <c>ServerTiming:Enabled</c> at start: a value other than true or false stops the service.</summary>
    public static TBuilder AddServerTiming<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddSingleton(new ServerTimingOptions { Enabled = IsEnabled(builder.Configuration) });
        return builder;
    }

    /// <summary>Put first in the pipeline, so the request's time covers every middleware after it.</summary>
    public static WebApplication UseServerTiming(this WebApplication app)
    {
        if (app.Services.GetService<ServerTimingOptions>() is not { Enabled: true })
        {
            return app;
        }
        app.Use(async (context, next) =>
        {
            var timings = new ServerTimings(Stopwatch.GetTimestamp());
            ServerTimings.Current = timings;
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.Append("Server-Timing", timings.ToHeaderValue());
                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }

    private static bool IsEnabled(IConfiguration configuration)
    {
        const string Setting = ServerTimingOptions.SectionName + ":" + nameof(ServerTimingOptions.Enabled);
        var value = configuration[Setting];
        return string.IsNullOrEmpty(value)
            ? new ServerTimingOptions().Enabled
            : bool.TryParse(value, out var enabled) ? enabled : throw new SettingException($"{Setting} is '{value}'; it must be true or false.");
    }
}
