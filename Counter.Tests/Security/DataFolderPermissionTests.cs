using System.Text;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Security;

/// <summary>The store's data folder and database are its owner's alone, whatever the umask or an older version left.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderPermissionTests : IDisposable
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "counter-tests", "permissions-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TheFolderIs0700AndEveryDatabaseFile0600()
    {
        // An older version's folder: world-readable.
        Directory.CreateDirectory(_dataPath);
        File.SetUnixFileMode(_dataPath, OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        await using var store = await KvStoreProcess.StartAsync(_dataPath);
        using var client = store.CreateClient();
        using var written = await client.PutAsync("/v1/keys/session:permissions", new StringContent("1", Encoding.UTF8, "application/json"));
        written.EnsureSuccessStatusCode();

        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(_dataPath));
        var files = Directory.GetFiles(_dataPath);
        Assert.Contains(files, f => f.EndsWith("kvstore.db-wal", StringComparison.Ordinal));
        Assert.All(files, file => Assert.True(File.GetUnixFileMode(file) == OwnerOnlyFile, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
