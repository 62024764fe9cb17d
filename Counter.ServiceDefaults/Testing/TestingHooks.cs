using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Counter.ServiceDefaults.Testing;

/// <summary>
/// The only door to the test-only hooks (a movable clock, injected latency). Each hook is off unless
/// its <c>Testing:*</c> setting is true; the AppHost sets them only when its Counter:TestClock or
/// Counter:FaultInjection setting is true, as the integration tests do. Production code never refers
/// to anything in this folder but these two calls.
/// </summary>
public static class TestingHooks
{
    public static TBuilder AddTestingHooks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        TestClock.Add(builder);
        return builder;
    }

    /// <summary>Maps the hooks' endpoints; call it after the service's own middleware (the store's credential check applies).</summary>
    public static WebApplication UseTestingHooks(this WebApplication app)
    {
        TestClock.Map(app);
        FaultInjection.Use(app);
        return app;
    }
}
