using System.Text.Json;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Operations;

/// <summary>
/// The runtime settings the benchmark figures depend on reach the built services. A misspelt MSBuild
/// property is silently ignored (ServerGarbageCollector left server GC on for a day of measurements);
/// the generated runtimeconfig.json is what the runtime actually reads.
/// </summary>
public sealed class RuntimeSettingsTests
{
    [Theory]
    [InlineData("Counter.Web")]
    [InlineData("Counter.KvStore")]
    public void ServicesRunOnWorkstationGcWithTheRuntimesThreadPoolMinimum(string service)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Repository.BuildOutput(service, $"{service}.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.False(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.False(properties.TryGetProperty("System.Threading.ThreadPool.MinThreads", out _));
    }
}
