using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
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
        // Hooks run only in Development (where the integration tests run the services): a deployment,
        // Production or anything almost like it (Staging, a custom name), never obeys one, whichever
        // configuration source set it.
        foreach (var setting in new[] { TestClockHook.SettingName, FaultInjection.SettingName })
        {
            if (!builder.Environment.IsDevelopment() && builder.Configuration.GetValue<bool>(setting))
            {
                throw new SettingException(
                    $"{setting} is set, but the environment is {builder.Environment.EnvironmentName}: test hooks run only in Development. Remove the setting, or run with ASPNETCORE_ENVIRONMENT=Development.");
            }
        }
        TestClockHook.Add(builder);
        return builder;
    }

    /// <summary>
    /// Maps the hooks' endpoints; call it after the service's own middleware. The store's credential
    /// check covers its hooks; a service without one passes <paramref name="requiredBearer"/>, and its
    /// hooks answer 401 to any call that does not carry <c>Authorization: Bearer &lt;it&gt;</c>.
    /// </summary>
    public static WebApplication UseTestingHooks(this WebApplication app, string? requiredBearer = null)
    {
        var hooks = app.MapGroup("");
        if (requiredBearer is not null)
        {
            var expected = new BearerCredential(requiredBearer);
            hooks.AddEndpointFilter((context, next) =>
                requiredBearer.Length > 0 && expected.Matches(BearerCredential.Presented(context.HttpContext.Request.Headers.Authorization.ToString()))
                    ? next(context)
                    : ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                        detail: "Test hooks need 'Authorization: Bearer <the service's store credential>'.")));
        }
        TestClockHook.Map(app, hooks);
        FaultInjection.Use(app, hooks);
        return app;
    }
}
