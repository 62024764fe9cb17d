using System.Diagnostics;
using Counter.Tests.Infrastructure;
using static Counter.Tests.Infrastructure.StoreCalls;

namespace Counter.Tests.KvStore;

/// <summary>
/// A store restarted on a disk that refuses writes (a small tmpfs filled to the last byte, or
/// remounted read-only) starts, serves what it holds, refuses writes with a readable 507 or 503,
/// and reports itself unhealthy; where there is no database to serve and none can be created, it
/// exits with one clear line and exit code 4 instead of aborting. Mounting needs root, which CI has.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class StartOnRefusingDiskTests : IAsyncLifetime
{
    private TmpfsMount _disk = null!;

    private string Data => Path.Combine(_disk.Path, "kv");

    public async ValueTask InitializeAsync() => _disk = await TmpfsMount.CreateAsync("4m");

    [Fact]
    public async Task AStoreRestartedOnAFullDiskServesReadsRefusesWritesWith507AndIsUnhealthy()
    {
        RequiredTools.SkipUnless(_disk.Mounted, TmpfsMount.NeedsRoot);
        var seeded = await SeedAsync(killAfter: false);
        _disk.Fill();

        await using (var store = await KvStoreProcess.StartAsync(Data, readyPath: "/alive"))
        using (var client = store.CreateClient())
        {
            await AssertAllReadableAsync(client, seeded);
            using (var put = await PutAsync(client, "on-full-disk", "{\"n\":1}"))
            {
                await ProblemAssert.IsAsync(put, HttpStatusCode.InsufficientStorage, "disk");
            }
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(client, "/health"));
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/alive"));
            await store.StopAsync();
        }

        // Space back and a restart: writes again, nothing lost.
        _disk.Free();
        await using (var store = await KvStoreProcess.StartAsync(Data))
        using (var client = store.CreateClient())
        {
            await AssertAllReadableAsync(client, seeded);
            using var put = await PutAsync(client, "after-space", "{\"n\":2}");
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
    }

    /// <summary>
    /// Stopped cleanly, the database is one file (no WAL to read); killed, the last acknowledged
    /// writes are only in the WAL, which a read-only start must still read.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AStoreRestartedOnAReadOnlyDiskServesReadsRefusesWritesWith503AndIsUnhealthy(bool killed)
    {
        RequiredTools.SkipUnless(_disk.Mounted, TmpfsMount.NeedsRoot);
        var seeded = await SeedAsync(killAfter: killed);
        await _disk.RemountReadOnlyAsync();

        await using var store = await KvStoreProcess.StartAsync(Data, readyPath: "/alive");
        using var client = store.CreateClient();
        await AssertAllReadableAsync(client, seeded);
        using (var list = await client.GetAsync("/v1/keys?prefix=seed:&limit=1000"))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        }
        using (var put = await PutAsync(client, "on-read-only-disk", "{\"n\":1}"))
        {
            await ProblemAssert.IsAsync(put, HttpStatusCode.ServiceUnavailable, "not writable");
        }
        using (var delete = await client.DeleteAsync("/v1/keys/seed:0"))
        {
            await ProblemAssert.IsAsync(delete, HttpStatusCode.ServiceUnavailable, "not writable");
        }
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(client, "/health"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/alive"));
        await AssertAllReadableAsync(client, seeded);
    }

    [Fact]
    public async Task AStoreWithNoDatabaseOnAReadOnlyDiskExitsWithOneClearLineAndExitCode4()
    {
        RequiredTools.SkipUnless(_disk.Mounted, TmpfsMount.NeedsRoot);
        Directory.CreateDirectory(Data);
        await _disk.RemountReadOnlyAsync();

        var timer = Stopwatch.StartNew();
        var (exitCode, output) = await KvStoreProcess.RunUntilExitAsync(Data, TestTimeouts.Startup);

        Assert.True(exitCode == 4, $"The store exited with {exitCode}, not 4 (data folder unusable): {output}");
        Assert.Contains($"The data folder {Data} cannot be used", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // No stack trace.
        Assert.True(timer.Elapsed < TestTimeouts.Request, $"Refusing took {timer.Elapsed}.");
    }

    /// <summary>Writes keys with a store on the disk, then stops it (SIGTERM) or kills it (SIGKILL).</summary>
    private async Task<Dictionary<string, string>> SeedAsync(bool killAfter)
    {
        var seeded = new Dictionary<string, string>();
        await using var store = await KvStoreProcess.StartAsync(Data);
        using var client = store.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            seeded[$"seed:{i}"] = $"{{\"n\":{i},\"pad\":\"{new string('x', 100)}\"}}";
            using var put = await PutAsync(client, $"seed:{i}", seeded[$"seed:{i}"]);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
        if (killAfter)
        {
            await store.KillAsync();
        }
        else
        {
            await store.StopAsync();
        }
        return seeded;
    }

    public async ValueTask DisposeAsync() => await _disk.DisposeAsync();
}
