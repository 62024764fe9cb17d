namespace Counter.Tests.Campaign;

/// <summary>What the store campaign's store process keeps its data in.</summary>
public enum CampaignTopology
{
    /// <summary>The embedded SQLite store.</summary>
    Embedded,

    /// <summary>One redis-server with its append-only file fsynced before every answer.</summary>
    RedisServer,

    /// <summary>One Garnet server with its append-only log committed before every answer.</summary>
    Garnet,

    /// <summary>A Redis Cluster of 3 primaries with 1 replica each.</summary>
    RedisCluster,
}
