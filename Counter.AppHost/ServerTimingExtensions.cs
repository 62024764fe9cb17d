namespace Counter.AppHost;

/// <summary>Counter:ServerTiming turns on both services' Server-Timing header (each request's stages, for a browser's developer tools).</summary>
internal static class ServerTimingExtensions
{
    public static IResourceBuilder<ProjectResource> WithServerTiming(this IResourceBuilder<ProjectResource> project, CounterSettings settings) =>
        settings.ServerTiming ? project.WithEnvironment("ServerTiming__Enabled", "true") : project;
}
