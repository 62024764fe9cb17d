using Counter.KvStore.Storage;
using Counter.KvStore.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Counter.Tests.KvStore;

/// <summary>
/// The embedded engine's background checkpoints on a real SQLite file, without an app: commits that
/// the writing connection never checkpoints reach the database file all the same, and beside the
/// writing connection's own checkpoints the WAL stays as small as they keep it.
/// </summary>
[Trait("Category", "Unit")]
public sealed class WalCheckpointerTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "counter-tests", "checkpointer-" + Guid.NewGuid().ToString("N"));

    public WalCheckpointerTests() => Directory.CreateDirectory(_folder);

    [Theory]
    [InlineData(SyncMode.Full)]
    [InlineData(SyncMode.Normal)]
    public async Task CommitsTheWriterNeverCheckpointsReachTheDatabaseFile(SyncMode synchronous)
    {
        var path = Path.Combine(_folder, $"kvstore-{synchronous}.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var writer = new SqliteConnection(connectionString);
        writer.Open();
        SqliteSchema.Open(writer, path, synchronous);
        SqliteSchema.Execute(writer, "PRAGMA wal_autocheckpoint=0;"); // Only the checkpointer folds the WAL.
        const int Rows = 64;
        var value = new byte[4096];
        for (var i = 0; i < Rows; i++)
        {
            using var insert = writer.CreateCommand();
            insert.CommandText = "INSERT INTO entries (key, value, version) VALUES ($key, $value, 1);";
            insert.Parameters.AddWithValue("$key", $"key-{i}");
            insert.Parameters.AddWithValue("$value", value);
            insert.ExecuteNonQuery();
        }
        var committedBytes = (long)Rows * value.Length;
        Assert.True(new FileInfo(path).Length < committedBytes, "the commits are still only in the WAL");

        using (new WalCheckpointer(connectionString, synchronous, NullLogger.Instance))
        {
            var deadline = DateTime.UtcNow + Bound;
            while (new FileInfo(path).Length < committedBytes && DateTime.UtcNow < deadline)
            {
                await Task.Delay(WalCheckpointer.Interval, TestContext.Current.CancellationToken);
            }
        }
        Assert.True(new FileInfo(path).Length >= committedBytes, $"the database file holds {new FileInfo(path).Length} bytes after {Bound.TotalSeconds} s, less than the {committedBytes} committed");

        using var reader = new SqliteConnection(connectionString);
        reader.Open();
        using var count = reader.CreateCommand();
        count.CommandText = "SELECT count(*) FROM entries;";
        Assert.Equal((long)Rows, (long)count.ExecuteScalar()!);
    }

    [Fact]
    public void BesideTheWritersOwnCheckpointsTheWalStaysSmall()
    {
        var path = Path.Combine(_folder, "kvstore.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        using var writer = new SqliteConnection(connectionString);
        writer.Open();
        SqliteSchema.Open(writer, path, SyncMode.Normal); // SQLite's own checkpoint every 1,000 WAL pages, as the store runs it.
        const int Rows = 3000;
        var value = new byte[4096];
        using (new WalCheckpointer(connectionString, SyncMode.Normal, NullLogger.Instance))
        {
            for (var i = 0; i < Rows; i++)
            {
                using var insert = writer.CreateCommand();
                insert.CommandText = "INSERT INTO entries (key, value, version) VALUES ($key, $value, 1);";
                insert.Parameters.AddWithValue("$key", $"key-{i}");
                insert.Parameters.AddWithValue("$value", value);
                insert.ExecuteNonQuery();
            }
        }

        // 3,000 commits of a 4 KiB value each put over 12 MiB through the WAL; SQLite's checkpoints start it
        // over every 1,000 pages (4 MiB), and a checkpoint beside them must not keep it from starting over.
        var wal = new FileInfo(path + "-wal").Length;
        Assert.True(wal < 8L * 1024 * 1024, $"the WAL grew to {wal} bytes over {Rows} commits of {value.Length} bytes");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
