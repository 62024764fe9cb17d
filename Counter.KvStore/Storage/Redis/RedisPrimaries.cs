using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// The primaries that hold the data: the one server, or every primary of a Redis Cluster, each
/// named by the lowest hash slot it serves. The name outlives a failover (the promoted replica
/// serves the same slots), so a listing cursor that names a primary stays meaningful.
/// </summary>
internal static class RedisPrimaries
{
    private const int TotalSlots = 16384;

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
        var primaries = map.Nodes.Where(n => !n.IsReplica && n.Slots.Count > 0).ToList();
        // A failed primary keeps its slots until a replica takes over, but the client's map leaves it
        // out: a listing without every slot would silently miss keys, so it fails (503) instead.
        var covered = primaries.SelectMany(n => n.Slots).Sum(range => range.To - range.From + 1);
        if (covered < TotalSlots)
        {
            throw new StorageUnavailableException($"{TotalSlots - covered} of the cluster's {TotalSlots} hash slots have no reachable primary; a complete listing is impossible until they do.");
        }
        return primaries
            .Select(n => new Primary(n.Slots.Min(s => s.From), redis.GetServer(n.EndPoint!)))
            .OrderBy(p => p.Name)
            .ToList();
    }

    /// <summary>True when the data is sharded over a Redis Cluster (multi-key commands must then stay in one slot).</summary>
    public static bool IsCluster(IConnectionMultiplexer redis) => redis.GetServers().Any(s => s.ServerType == ServerType.Cluster);
}
