using Microsoft.Data.Sqlite;

namespace Counter.KvStore.Storage.Sqlite;

/// <summary>The writer loop's prepared statements, compiled once and reused for every batch.</summary>
internal sealed class WriterCommands : IDisposable
{
    private readonly SqliteCommand _find;
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _delete;
    private readonly SqliteCommand _setExpiry;
    private readonly SqliteCommand _deleteExpired;
    private readonly SqliteCommand _saveMeta;
    private readonly SqliteCommand _deleteRange;
    private readonly SqliteCommand[] _all;

    public WriterCommands(SqliteConnection connection)
    {
        _find = Create(connection, "SELECT value, version, expires_at FROM entries WHERE key = $key;", "$key");
        _upsert = Create(connection,
            "INSERT INTO entries(key, value, version, expires_at) VALUES($key, $value, $version, $expires) " +
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value, version = excluded.version, expires_at = excluded.expires_at;",
            "$key", "$value", "$version", "$expires");
        _delete = Create(connection, "DELETE FROM entries WHERE key = $key;", "$key");
        _setExpiry = Create(connection, "UPDATE entries SET expires_at = $expires WHERE key = $key;", "$key", "$expires");
        _deleteExpired = Create(connection,
            "DELETE FROM entries WHERE key IN (SELECT key FROM entries WHERE expires_at <= $through LIMIT $limit) RETURNING length(value);",
            "$through", "$limit");
        _saveMeta = Create(connection,
            "INSERT INTO meta(name, value) VALUES($name, $value) ON CONFLICT(name) DO UPDATE SET value = excluded.value;",
            "$name", "$value");
        _deleteRange = Create(connection,
            "DELETE FROM entries WHERE key IN (SELECT key FROM entries WHERE key >= $from AND key < $to LIMIT $limit) RETURNING length(value);",
            "$from", "$to", "$limit");
        _all = [_find, _upsert, _delete, _setExpiry, _deleteExpired, _saveMeta, _deleteRange];
    }

    public void Enlist(SqliteTransaction transaction)
    {
        foreach (var command in _all)
        {
            command.Transaction = transaction;
        }
    }

    public StoredEntry? Find(string key)
    {
        _find.Parameters[0].Value = key;
        using var reader = _find.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }
        return new StoredEntry(
            key,
            (byte[])reader.GetValue(0),
            reader.GetInt64(1),
            reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)));
    }

    public void Upsert(string key, byte[] value, long version, long? expiresAtMs)
    {
        _upsert.Parameters[0].Value = key;
        _upsert.Parameters[1].Value = value;
        _upsert.Parameters[2].Value = version;
        _upsert.Parameters[3].Value = (object?)expiresAtMs ?? DBNull.Value;
        _upsert.ExecuteNonQuery();
    }

    public void Delete(string key)
    {
        _delete.Parameters[0].Value = key;
        _delete.ExecuteNonQuery();
    }

    public void SetExpiry(string key, long? expiresAtMs)
    {
        _setExpiry.Parameters[0].Value = key;
        _setExpiry.Parameters[1].Value = (object?)expiresAtMs ?? DBNull.Value;
        _setExpiry.ExecuteNonQuery();
    }

    /// <summary>Deletes up to <paramref name="limit"/> entries whose expiry is at or before <paramref name="throughMs"/> (an index range).</summary>
    public (long Count, long Bytes) DeleteExpired(long throughMs, int limit)
    {
        _deleteExpired.Parameters[0].Value = throughMs;
        _deleteExpired.Parameters[1].Value = limit;
        return CountDeleted(_deleteExpired);
    }

    private static (long Count, long Bytes) CountDeleted(SqliteCommand command)
    {
        long count = 0, bytes = 0;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            count++;
            bytes += reader.GetInt64(0);
        }
        return (count, bytes);
    }

    public (long Count, long Bytes) DeleteRange(string from, string to, int limit)
    {
        _deleteRange.Parameters[0].Value = from;
        _deleteRange.Parameters[1].Value = to;
        _deleteRange.Parameters[2].Value = limit;
        return CountDeleted(_deleteRange);
    }

    public void SaveVersion(long version) => SaveMeta("version", version);

    public void SaveSweepClock(long sweepClockMs) => SaveMeta("sweep_clock", sweepClockMs);

    private void SaveMeta(string name, long value)
    {
        _saveMeta.Parameters[0].Value = name;
        _saveMeta.Parameters[1].Value = value;
        _saveMeta.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in _all)
        {
            command.Dispose();
        }
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }
}
