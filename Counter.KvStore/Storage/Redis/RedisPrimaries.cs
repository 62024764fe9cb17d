using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// The primaries that hold the data: the one server, or every primary of a Redis Cluster, each
/// named by the lowest hash slot it serves. The name outlives a failover (the promoted replica
/// serves the same slots), so a listing cursor that names a primary stays meaningful.
/// </summary>
internal static class RedisPrimaries
{
    /// <summary>One primary: its name (lowest slot; 0 for a single server) and its connection.</summary>
    public readonly record struct Primary(int Name, IServer Server);

    /// <summary>Every primary, in slot order. Asks a cluster for its current map (CLUSTER NODES), so a failover is seen at once.</summary>
    public static async Task<IReadOnlyList<Primary>> ListAsync(IConnectionMultiplexer redis)
    {
        var servers = redis.GetServers();
        if (!servers.Any(s => s.ServerType == ServerType.Cluster))
        {
            var server = servers.FirstOrDefault(s => !s.IsReplica && s.IsConnected) ?? servers.FirstOrDefault(s => !s.IsReplica)
                ?? throw new StorageUnavailableException("No Redis-protocol primary is connected.");
            return [new Primary(0, server)];
        }

        // Any reachable node knows the whole map; a node that is down answers nothing.
        ClusterConfiguration? map = null;
        foreach (var server in servers.Where(s => s.IsConnected))
        {
            map = await server.ClusterNodesAsync();
            if (map is not null)
            {
                break;
            }
        }
        if (map is null)
        {
            throw new StorageUnavailableException("No Redis Cluster node answered CLUSTER NODES.");
        }
        // A failed primary keeps its slots until a replica takes over: it stays in the list, so a
        // listing fails (503) rather than silently missing its keys.
        return map.Nodes
            .Where(n => !n.IsReplica && n.Slots.Count > 0)
            .Select(n => new Primary(n.Slots.Min(s => s.From), redis.GetServer(n.EndPoint!)))
            .OrderBy(p => p.Name)
            .ToList();
    }

    /// <summary>True when the data is sharded over a Redis Cluster (multi-key commands must then stay in one slot).</summary>
    public static bool IsCluster(IConnectionMultiplexer redis) => redis.GetServers().Any(s => s.ServerType == ServerType.Cluster);
}
