using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Campaign;

/// <summary>
/// The embedded store's disk faults, for the nemesis: <c>disk-error-fsync</c> (fsync and fdatasync
/// fail with EIO) and <c>disk-error-write</c> (file writes, pwrite, fail with EIO) through libfiu
/// (<see cref="FiuControl"/>; the store runs under <see cref="Launcher"/>), and <c>disk-full</c> (the
/// store's data folder is a small tmpfs, filled to the last byte by a filler file while a reader holds
/// a snapshot, then freed).
/// Each is healed when the errors stop or the filler is deleted. The embedded writer stops for good
/// after an I/O error (docs/guarantees.md): a store that then refuses a write as stopped is
/// restarted (SIGTERM, then a start over the same data), as its operator would.
/// </summary>
public sealed class DiskFaults : IAsyncDisposable
{
    public const string FsyncErrors = "disk-error-fsync";
    public const string WriteErrors = "disk-error-write";
    public const string Full = "disk-full";

    /// <summary>The tmpfs: room for the store's database and its WAL (a few MB in a campaign run) many times over.</summary>
    private const string TmpfsSize = "32m";

    private readonly FiuControl? _fiu;
    private readonly TmpfsMount? _disk;

    private DiskFaults(FiuControl? fiu, TmpfsMount? disk) => (_fiu, _disk) = (fiu, disk);

    /// <summary>The fault kinds this machine allows.</summary>
    public IReadOnlyList<string> Kinds => [.. _fiu is null ? [] : new[] { FsyncErrors, WriteErrors }, .. _disk is null ? [] : new[] { Full }];

    /// <summary>How the store is started so libfiu can reach it (null without libfiu).</summary>
    public IReadOnlyList<string>? Launcher => _fiu?.Launcher;

    /// <summary>The store's data folder: the tmpfs when one is mounted, else <paramref name="fallback"/>.</summary>
    public string DataPath(string fallback) => _disk?.Path ?? fallback;

    /// <summary>
    /// Sets up what the machine allows and logs what it leaves out and why; under
    /// COUNTER_REQUIRE_ALL_TESTS=1 a missing tool fails instead (<see cref="RequiredTools.Usable"/>).
    /// </summary>
    public static async Task<DiskFaults> CreateAsync(Action<string> log)
    {
        var fiu = RequiredTools.Usable(await FiuControl.AvailableAsync(), FiuControl.InstallStep) ? new FiuControl() : null;
        if (fiu is null)
        {
            log($"Without {FsyncErrors} and {WriteErrors}: {FiuControl.InstallStep}");
        }
        var disk = await TmpfsMount.CreateAsync(TmpfsSize);
        if (!RequiredTools.Usable(disk.Mounted, TmpfsMount.NeedsRoot))
        {
            await disk.DisposeAsync();
            disk = null;
            log($"Without {Full}: {TmpfsMount.NeedsRoot}");
        }
        return new DiskFaults(fiu, disk);
    }

    /// <summary>
    /// Injects <paramref name="plan"/>'s fault into <paramref name="store"/> for its duration, heals it,
    /// and restarts the store if its writer stopped. Returns when healing began, the store to use
    /// from now on, and the target to record.
    /// </summary>
    public async Task<(long Healed, KvStoreProcess Store, string Target)> InjectAsync(FaultPlan plan, KvStoreProcess store,
        Func<Uri, Task<KvStoreProcess>> restart, HistoryRecorder history)
    {
        long healed;
        if (plan.Fault == Full)
        {
            var disk = _disk ?? throw new InvalidOperationException("A disk-full fault without a tmpfs.");
            // SQLite writes its WAL over the same file after each checkpoint, so on a full disk small
            // commits go on succeeding; a reader that holds a snapshot (as a backup would) keeps the WAL
            // from being reused, so every commit needs new space and is refused.
            await using var reader = await HoldSnapshotAsync(disk.Path);
            disk.Fill();
            try
            {
                await Task.Delay(plan.Duration, CancellationToken.None);
            }
            finally
            {
                healed = history.Now;
                disk.Free();
            }
        }
        else
        {
            var fiu = _fiu ?? throw new InvalidOperationException("An I/O-error fault without libfiu.");
            var points = plan.Fault switch
            {
                FsyncErrors => FiuControl.SyncPoints,
                WriteErrors => FiuControl.WritePoints,
                _ => throw new InvalidOperationException($"Unknown disk fault '{plan.Fault}'."),
            };
            await fiu.EnableAsync(store.Id, points);
            try
            {
                await Task.Delay(plan.Duration, CancellationToken.None);
            }
            finally
            {
                healed = history.Now;
                await fiu.DisableAsync(store.Id, points);
            }
        }
        if (!await WriterStoppedAsync(store))
        {
            return (healed, store, "kvstore");
        }
        var url = store.Url;
        await store.StopAsync();
        await store.DisposeAsync();
        return (healed, await restart(url), "kvstore (writer stopped: restarted)");
    }

    /// <summary>A read transaction on the store's database, open until disposed.</summary>
    private static async Task<SqliteConnection> HoldSnapshotAsync(string folder)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "kvstore.db"), Pooling = false }.ToString());
        await connection.OpenAsync();
        using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN; SELECT count(*) FROM sqlite_master;";
        await begin.ExecuteScalarAsync();
        return connection;
    }

    /// <summary>One write of the nemesis's own key, which no client reads: refused because the writer stopped, or not.</summary>
    private static async Task<bool> WriterStoppedAsync(KvStoreProcess store)
    {
        using var client = store.CreateClient();
        using var response = await client.PutAsJsonAsync("/v1/keys/nemesis-probe", "probe");
        if (response.IsSuccessStatusCode)
        {
            return false;
        }
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("stopped accepting writes", StringComparison.Ordinal)
            ? true
            : throw new InvalidOperationException($"The store refused a write after its disk fault was healed ({(int)response.StatusCode}): {body}");
    }

    public async ValueTask DisposeAsync()
    {
        _fiu?.Dispose();
        if (_disk is not null)
        {
            await _disk.DisposeAsync();
        }
    }
}
