using Microsoft.Extensions.Configuration;

namespace Counter.AppHost;

/// <summary>The AppHost's own settings (section "Counter"), read once.</summary>
internal sealed record CounterSettings(string SessionMode, string DataPath, int WebReplicas, bool TestClock)
{
    public static CounterSettings From(IDistributedApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Counter");
        return new CounterSettings(
            SessionMode: section["SessionMode"] ?? "ServerSide",
            // Run mode keeps data beside the AppHost so it survives restarts; tests pass their own folder.
            DataPath: Path.GetFullPath(section["DataPath"] ?? Path.Combine(builder.AppHostDirectory, ".data", "kvstore")),
            WebReplicas: section.GetValue("WebReplicas", 1),
            TestClock: section.GetValue("TestClock", false));
    }
}

internal static class Extensions
{
    /// <summary>Service discovery to the store, plus its credential, and start only once it is healthy.</summary>
    public static IResourceBuilder<ProjectResource> WithKvStoreReference(
        this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> kvstore, IResourceBuilder<ParameterResource> apiKey) =>
        project.WithReference(kvstore).WaitFor(kvstore).WithEnvironment("KvStore__ApiKey", apiKey);

    /// <summary>Integration tests move the services' clocks to test expiry without waiting.</summary>
    public static IResourceBuilder<ProjectResource> WithTestClock(this IResourceBuilder<ProjectResource> project, CounterSettings settings) =>
        settings.TestClock ? project.WithEnvironment("Testing__ClockControl", "true") : project;

    /// <summary>Dashboard buttons on the store: show every session, or clear them all.</summary>
    public static IResourceBuilder<ProjectResource> WithStoreCommands(this IResourceBuilder<ProjectResource> kvstore) => kvstore;
}
