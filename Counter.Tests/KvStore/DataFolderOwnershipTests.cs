using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

/// <summary>
/// One store process per data folder: a second one on a folder that a live process holds refuses
/// to start, naming the folder and the holder; after a kill -9 of the holder a new process starts
/// at once, and versions stay unique per key across the restart. Two real processes.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class DataFolderOwnershipTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "counter-tests", "owner-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task ASecondStoreOnTheSameFolderRefusesToStartAndTheFolderIsFreeAfterAKill()
    {
        long firstVersion;
        TimeSpan refusedAfter;
        await using (var owner = await KvStoreProcess.StartAsync(_data))
        {
            using (var client = owner.CreateClient())
            {
                firstVersion = await PutAsync(client, "k", "1");
            }

            var timer = Stopwatch.StartNew();
            var (exitCode, output) = await KvStoreProcess.RunUntilExitAsync(_data, TimeSpan.FromSeconds(30));
            refusedAfter = timer.Elapsed;
            Assert.NotEqual(0, exitCode);
            Assert.True(refusedAfter < TimeSpan.FromSeconds(20), $"Refusing took {refusedAfter}.");
            Assert.Contains($"The data folder {_data} is in use by another store process (process id {owner.Id})", output, StringComparison.Ordinal);

            await owner.KillAsync(); // kill -9: no shutdown code releases anything; the kernel drops the lock.
        }

        var restart = Stopwatch.StartNew();
        await using var next = await KvStoreProcess.StartAsync(_data);
        Assert.True(restart.Elapsed < TimeSpan.FromSeconds(20), $"The next store took {restart.Elapsed} to start after the kill.");
        using var nextClient = next.CreateClient();
        using (var get = await nextClient.GetAsync("/v1/keys/k"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal($"\"{firstVersion}\"", get.Headers.ETag?.Tag);
        }
        // A version issued after the restart is new: a writer holding the old one cannot pass.
        var secondVersion = await PutAsync(nextClient, "other", "2");
        Assert.True(secondVersion > firstVersion, $"Version {secondVersion} was issued again after a restart (had {firstVersion}).");
        ReliabilityReport.Add("Two stores on one folder", "one store process serving, a second started on its data folder",
            $"second store refused in {refusedAfter.TotalSeconds:F1} s naming the owner; owner killed (-9), next store healthy {restart.Elapsed.TotalSeconds:F1} s later",
            3, "none (the refusal is the expected outcome)", 0);
    }

    /// <summary>
    /// .NET's switch for file systems without locks makes <see cref="FileShare.None"/> take no lock at
    /// all; the store's own lock must not depend on it, whether the switch is on for the second store
    /// only or for both.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASecondStoreRefusesToStartEvenWithDotNetFileLockingSwitchedOff(bool ownerToo)
    {
        var lockingOff = new Dictionary<string, string> { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" };
        await using var owner = await KvStoreProcess.StartAsync(_data, environment: ownerToo ? lockingOff : null);
        using var client = owner.CreateClient();
        var version = await PutAsync(client, "k", "1");

        var (exitCode, output) = await KvStoreProcess.RunUntilExitAsync(_data, TimeSpan.FromSeconds(30), lockingOff);

        Assert.True(exitCode == 3, $"The second store exited with {exitCode}, not 3 (data folder in use): {output}");
        Assert.Contains($"The data folder {_data} is in use by another store process (process id {owner.Id})", output, StringComparison.Ordinal);
        // The owner still serves.
        using var get = await client.GetAsync("/v1/keys/k");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal($"\"{version}\"", get.Headers.ETag?.Tag);
    }

    private static async Task<long> PutAsync(HttpClient client, string key, string json)
    {
        using var put = await client.PutAsync($"/v1/keys/{key}", new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        return long.Parse(put.Headers.ETag!.Tag.Trim('"'), CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is under /tmp.
        }
    }
}
