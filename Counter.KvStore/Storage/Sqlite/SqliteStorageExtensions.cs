namespace Counter.KvStore.Storage.Sqlite;

/// <summary>Registers the embedded SQLite engine: its settings, the engine, the expiry sweeper and its health checks.</summary>
public static class SqliteStorageExtensions
{
    public static WebApplicationBuilder AddSqliteStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SqliteStorageOptions>().BindConfiguration(SqliteStorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CommitMetrics>();
        builder.Services.AddSingleton<SqliteKeyValueStorage>();
        builder.Services.AddKeyedSingleton<IKeyValueStorage>(StorageEngine.Key, (services, _) => services.GetRequiredService<SqliteKeyValueStorage>());
        builder.Services.AddHostedService<ExpirySweeper>();
        builder.Services.AddHealthChecks()
            .AddCheck<WriterHealthCheck>("storage-writer")
            .AddCheck<ReadOnlyStartHealthCheck>("storage-opened-read-only");
        return builder;
    }
}
