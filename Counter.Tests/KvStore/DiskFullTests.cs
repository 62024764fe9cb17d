using System.Diagnostics;
using Counter.Tests.Infrastructure;
using static Counter.Tests.Infrastructure.StoreCalls;

namespace Counter.Tests.KvStore;

/// <summary>
/// The store's disk fills up (a small tmpfs, filled with a file): writes are refused with a clear
/// 507, reads keep working, /health reports the store unhealthy (and healthy again by itself once
/// space is back), nothing stored is damaged (also after a restart), and writes succeed again. Mounting needs root (CAP_SYS_ADMIN), which CI has.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class DiskFullTests : IAsyncLifetime
{
    private const int SeededKeys = 50;
    private TmpfsMount _disk = null!;

    public async ValueTask InitializeAsync() => _disk = await TmpfsMount.CreateAsync("8m");

    [Fact]
    public async Task WritesAreRefusedWith507ReadsWorkNothingIsDamagedAndWritesResumeWhenSpaceIsBack()
    {
        RequiredTools.SkipUnless(_disk.Mounted, TmpfsMount.NeedsRoot);
        var data = Path.Combine(_disk.Path, "kv");
        var seeded = new Dictionary<string, string>();
        var refused = 0;
        var attempts = 0;
        var healthBack = TimeSpan.Zero;
        await using (var store = await KvStoreProcess.StartAsync(data))
        using (var client = store.CreateClient())
        {
            for (var i = 0; i < SeededKeys; i++)
            {
                seeded[$"seed:{i}"] = $"{{\"n\":{i},\"pad\":\"{new string('x', 200)}\"}}";
                using var put = await PutAsync(client, $"seed:{i}", seeded[$"seed:{i}"]);
                Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            }

            _disk.Fill();
            var big = $"{{\"pad\":\"{new string('y', 60_000)}\"}}";
            for (attempts = 1; attempts <= 200 && refused == 0; attempts++)
            {
                using var put = await PutAsync(client, $"fill:{attempts}", big);
                if (put.StatusCode == HttpStatusCode.InsufficientStorage)
                {
                    refused++;
                    await ProblemAssert.IsAsync(put, HttpStatusCode.InsufficientStorage, "disk is full");
                }
                else
                {
                    Assert.Equal(HttpStatusCode.Created, put.StatusCode); // Fits in what was left: 201, never 500.
                    seeded[$"fill:{attempts}"] = big;
                }
            }
            Assert.True(refused > 0, $"No write was refused in {attempts - 1} attempts on a full disk.");

            await AssertAllReadableAsync(client, seeded); // Reads keep working on a full disk.
            // /health means "can serve writes": it turns unhealthy (within the health result's lifetime); /alive (the process) does not.
            var refusing = Stopwatch.StartNew();
            while (await StatusAsync(client, "/health") != HttpStatusCode.ServiceUnavailable)
            {
                Assert.True(refusing.Elapsed < TestTimeouts.Request, "/health stayed healthy while the disk refused writes.");
                await Task.Delay(100);
            }
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, "/alive"));

            _disk.Free(); // Space is back: /health turns back by itself, before any user write.
            var waited = Stopwatch.StartNew();
            while (await StatusAsync(client, "/health") != HttpStatusCode.OK)
            {
                Assert.True(waited.Elapsed < TestTimeouts.Request, "/health stayed unhealthy after space came back.");
                await Task.Delay(100);
            }
            healthBack = waited.Elapsed;
            using (var after = await PutAsync(client, "after-space", "{\"ok\":true}"))
            {
                Assert.Equal(HttpStatusCode.Created, after.StatusCode);
            }
            seeded["after-space"] = "{\"ok\":true}";
            await AssertAllReadableAsync(client, seeded);
            await store.KillAsync();
        }

        // Nothing already stored was damaged: a new process over the same files has it all.
        await using (var restarted = await KvStoreProcess.StartAsync(data))
        using (var client = restarted.CreateClient())
        {
            await AssertAllReadableAsync(client, seeded);
        }
        ReliabilityReport.Add("Disk full", "one store process on an 8 MB tmpfs", $"disk filled to the last byte (/health 503, /alive 200), then space freed (/health 200 after {healthBack.TotalSeconds:F1} s, before any write)",
            SeededKeys + attempts + (2 * seeded.Count) + 1, $"{refused}× 507 (expected), 0 other", 0);
    }

    public async ValueTask DisposeAsync() => await _disk.DisposeAsync();
}
