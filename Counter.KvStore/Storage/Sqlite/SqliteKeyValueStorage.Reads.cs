using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>Reads: each on its own pooled connection, never waiting for the writer (WAL readers see the last commit).</summary>
public sealed partial class SqliteKeyValueStorage
{
    private const string LiveFilter = "(expires_at IS NULL OR expires_at > $now)";
    // Keys are printable ASCII below DEL, so prefix + DEL is an exclusive upper bound for the prefix range.
    private const char PrefixUpperBound = '\u007f';

    public async Task<StoredEntry?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT value, version, expires_at FROM entries WHERE key = $key AND {LiveFilter};";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", LiveMs());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadEntry(key, reader, 0) : null;
    }

    public async Task<KeyPage> ListAsync(string prefix, string? cursor, int limit, CancellationToken cancellationToken)
    {
        var keys = new List<string>(Math.Min(limit, 1024));
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = CreateRangeCommand(connection, "key", prefix, cursor, limit + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(reader.GetString(0));
        }
        if (keys.Count <= limit)
        {
            return new KeyPage(keys, null);
        }
        keys.RemoveAt(keys.Count - 1);
        return new KeyPage(keys, keys[^1]);
    }

    public async Task<long> CountAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT count(*) FROM entries WHERE key >= $lower AND key < $upper AND {LiveFilter};";
        command.Parameters.AddWithValue("$lower", prefix);
        command.Parameters.AddWithValue("$upper", prefix + PrefixUpperBound);
        command.Parameters.AddWithValue("$now", LiveMs());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async IAsyncEnumerable<StoredEntry> ScanAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? after = null;
        var page = new List<StoredEntry>(_options.ScanPageSize);
        do
        {
            page.Clear();
            // Each page is its own short read, so a slow consumer never pins a WAL snapshot.
            await using (var connection = await OpenReaderAsync(cancellationToken))
            await using (var command = CreateRangeCommand(connection, "key, value, version, expires_at", prefix, after, _options.ScanPageSize))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    page.Add(ReadEntry(reader.GetString(0), reader, 1));
                }
            }
            foreach (var entry in page)
            {
                yield return entry;
            }
            after = page.Count > 0 ? page[^1].Key : null;
        }
        while (page.Count == _options.ScanPageSize);
    }

    private SqliteCommand CreateRangeCommand(SqliteConnection connection, string columns, string prefix, string? after, int limit)
    {
        // One lower bound only: given both "key >= prefix" and "key > after" as parameters, SQLite may seek
        // to the prefix and walk every earlier page again, which made a 1,000,000-key dump quadratic (62 s).
        // A cursor at or past the prefix bounds the range alone.
        var fromPrefix = after is null || string.CompareOrdinal(after, prefix) < 0;
        var command = connection.CreateCommand();
        command.CommandText =
            $"SELECT {columns} FROM entries WHERE key {(fromPrefix ? ">=" : ">")} $lower AND key < $upper AND {LiveFilter} ORDER BY key LIMIT $limit;";
        command.Parameters.AddWithValue("$lower", fromPrefix ? prefix : after);
        command.Parameters.AddWithValue("$upper", prefix + PrefixUpperBound);
        command.Parameters.AddWithValue("$now", LiveMs());
        command.Parameters.AddWithValue("$limit", limit);
        return command;
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static StoredEntry ReadEntry(string key, SqliteDataReader reader, int first) => new(
        key,
        (byte[])reader.GetValue(first),
        reader.GetInt64(first + 1),
        reader.IsDBNull(first + 2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(first + 2)));
}
