namespace Counter.AppHost;

/// <summary>How the store is wired to its storage backend.</summary>
internal static class StorageBackendExtensions
{
    /// <summary>
    /// Points the store at its backend. Embedded: a data folder. Redis: the connection string
    /// ConnectionStrings:redis when given (an existing server or cluster), else a Garnet server the
    /// AppHost starts (<see cref="GarnetResource"/>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithStorageBackend(
        this IResourceBuilder<ProjectResource> kvstore, IDistributedApplicationBuilder builder, CounterSettings settings)
    {
        kvstore.WithEnvironment("Storage__Sqlite__DataPath", settings.DataPath);
        if (!settings.UsesRedis)
        {
            return kvstore;
        }
        kvstore.WithEnvironment("Storage__Backend", "Redis").WithReplicas(settings.StoreReplicas);
        if (settings.RedisConnectionString is { } connectionString)
        {
            return kvstore.WithEnvironment("ConnectionStrings__redis", connectionString)
                .WithEnvironment("Storage__Redis__ReplicaAcknowledgements", settings.RedisReplicaAcknowledgements.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var (garnet, garnetConnection) = GarnetResource.Add(builder, settings.DataPath);
        return kvstore.WithEnvironment("ConnectionStrings__redis", garnetConnection).WaitFor(garnet);
    }
}
