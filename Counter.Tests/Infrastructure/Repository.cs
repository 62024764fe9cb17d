using System.Reflection;

namespace Counter.Tests.Infrastructure;

/// <summary>Paths of the built services, for tests that run a service process directly.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The built KvStore entry assembly (the AppHost's project reference builds it with the tests).</summary>
    public static string KvStoreDll => BuildOutput("Counter.KvStore", "Counter.KvStore.dll");

    /// <summary>A file in a project's build output (the configuration the tests were built in).</summary>
    public static string BuildOutput(string project, string file) => Path.Combine(Root, project, "bin", Configuration, "net10.0", file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Counter.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Counter.sln not found above {AppContext.BaseDirectory}.");
    }
}
