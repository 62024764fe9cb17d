namespace Counter.AppHost;

/// <summary>The services' test hooks, switched on only by the AppHost's own Counter:TestClock and Counter:FaultInjection.</summary>
internal static class TestHookExtensions
{
    /// <summary>Integration tests move the services' clocks to test expiry without waiting.</summary>
    public static IResourceBuilder<ProjectResource> WithTestClock(this IResourceBuilder<ProjectResource> project, CounterSettings settings) =>
        settings.TestClock ? project.WithEnvironment("Testing__TestClock", "true") : project;

    /// <summary>Reliability tests slow the store down on purpose (POST /_testing/faults?delayMs=N).</summary>
    public static IResourceBuilder<ProjectResource> WithTestFaults(this IResourceBuilder<ProjectResource> kvstore, CounterSettings settings) =>
        settings.FaultInjection ? kvstore.WithEnvironment("Testing__FaultInjection", "true") : kvstore;
}
