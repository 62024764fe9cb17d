using Counter.Web.DataProtection;
using Counter.Web.KvStore;

namespace Counter.Web.Sessions;

public static class SessionSetup
{
    /// <summary>
    /// Registers the <see cref="ISessionStore"/> for the configured mode. Handlers depend only on
    /// the interface, so switching modes is configuration (Session:Mode), not code.
    /// </summary>
    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.SectionName)
            .ValidateDataAnnotations()
            .Validate(o => o.Mode != SessionMode.ServerSide || o.KeySecret is { Length: >= 32 },
                "Session:KeySecret must be at least 32 characters in server-side mode (the AppHost generates one).")
            .Validate(o => o.IdleTimeout > TimeSpan.Zero && o.AbsoluteLifetime >= o.IdleTimeout,
                "Session:IdleTimeout must be positive and no longer than Session:AbsoluteLifetime.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SessionTelemetry>();
        builder.Services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(SessionTelemetry.SourceName))
            .WithMetrics(metrics => metrics.AddMeter(SessionTelemetry.SourceName));

        var mode = builder.Configuration.GetChoice(SessionOptions.SectionName + ":Mode", new SessionOptions().Mode);
        if (mode == SessionMode.ServerSide)
        {
            builder.Services.AddKvStoreClient();
            builder.Services.AddSingleton<SessionIdentifiers>();
            builder.Services.AddSingleton<SessionCache>();
            builder.Services.AddSingleton<SessionGate>();
            builder.Services.AddSingleton<SessionRecords>();
            builder.Services.AddSingleton<ISessionRecords>(sp => new InstrumentedSessionRecords(
                sp.GetRequiredService<SessionRecords>(), sp.GetRequiredService<SessionTelemetry>()));
            builder.Services.AddSingleton<SessionResolver>();
            builder.Services.AddSingleton<ISessionStore, ServerSessionStore>();
        }
        else
        {
            // Only cookie mode seals anything, so only it needs the key ring (and its store calls).
            builder.AddSharedDataProtection();
            builder.Services.AddSingleton<ISessionStore, CookieSessionStore>();
        }
        return builder;
    }
}
