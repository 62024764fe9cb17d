using System.Diagnostics;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// A real Redis Cluster on loopback from Debian's redis-server: 3 primaries with 1 replica each,
/// formed by <c>redis-cli --cluster create</c>, stopped (and its folder deleted) on dispose. Nodes
/// fail over 2 s after a primary stops answering, and a cluster with a slot down still serves the
/// other slots (cluster-require-full-coverage no), as a production cluster in front of sessions
/// should be set up. The helper reads the cluster's state through StackExchange.Redis (one client for
/// every node) and changes it with redis-cli.
/// </summary>
public sealed class RedisCluster : IAsyncDisposable
{
    public const string InstallStep = "redis-server or redis-cli is not installed; install them with: sudo apt-get install -y redis-server";

    private const int Primaries = 3;
    private const int NodeTimeoutMs = 2000;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "counter-tests", "redis-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<int, Process> _nodes = [];
    private ConnectionMultiplexer? _client;

    private RedisCluster()
    {
    }

    /// <summary>Every node's port; the first three were created as primaries.</summary>
    public IReadOnlyList<int> Ports { get; private set; } = [];

    /// <summary>The connection string web's store is given: every primary, as an operator would list them.</summary>
    public string ConnectionString => string.Join(',', Ports.Take(Primaries).Select(p => $"127.0.0.1:{p}"));

    public static bool IsInstalled => File.Exists("/usr/bin/redis-server") && File.Exists("/usr/bin/redis-cli");

    public static async Task<RedisCluster> StartAsync(CancellationToken cancellationToken)
    {
        var cluster = new RedisCluster();
        try
        {
            cluster.Ports = FreePortPairs(Primaries * 2);
            foreach (var port in cluster.Ports)
            {
                cluster.StartNode(port);
            }
            foreach (var port in cluster.Ports)
            {
                await WaitUntilAsync(async () => await CliAsync(port, "PING") == "PONG", $"node {port} to answer PING", cancellationToken);
            }
            var create = await RunAsync("redis-cli", ["--cluster", "create", .. cluster.Ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "1", "--cluster-yes"], cancellationToken);
            if (!create.Contains("[OK] All 16384 slots covered", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("redis-cli --cluster create failed:\n" + create);
            }
            cluster._client = await ConnectAsync(cluster.Ports);
            await cluster.WaitHealthyAsync(cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until every node says cluster_state:ok and every primary has a replica in sync that its own map shows.</summary>
    public async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        foreach (var port in _nodes.Keys)
        {
            await WaitUntilAsync(async () => ((string?)await Server(port).ExecuteAsync("CLUSTER", "INFO"))!.Contains("cluster_state:ok", StringComparison.Ordinal), $"node {port} to report cluster_state:ok", cancellationToken);
        }
        await WaitUntilAsync(async () =>
        {
            var primaries = await PrimaryPortsAsync();
            foreach (var port in primaries)
            {
                var replication = (await Server(port).InfoAsync("replication")).SelectMany(g => g).ToDictionary();
                if (replication["connected_slaves"] != "1" || !replication["slave0"].Contains("state=online", StringComparison.Ordinal)
                    || await KnownReplicaOfAsync(port) == 0)
                {
                    return false;
                }
            }
            return primaries.Count == Primaries;
        }, "every primary to have a replica online", cancellationToken);
    }

    /// <summary>One client for every node: a call to a node that is down fails at once, and it reconnects within 100 ms of the node's return.</summary>
    private static Task<ConnectionMultiplexer> ConnectAsync(IEnumerable<int> ports) => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = [.. ports.Select(p => new IPEndPoint(IPAddress.Loopback, p))],
        AllowAdmin = true, // CLUSTER NODES, CLUSTER INFO, INFO, ROLE
        AbortOnConnectFail = false,
        BacklogPolicy = BacklogPolicy.FailFast,
        ReconnectRetryPolicy = new LinearRetry(100),
        ConnectTimeout = (int)TestTimeouts.Request.TotalMilliseconds,
        AsyncTimeout = (int)TestTimeouts.Request.TotalMilliseconds,
    });

    private IServer Server(int port) => _client!.GetServer(IPAddress.Loopback, port);

    /// <summary>The cluster map (CLUSTER NODES) as the node on <paramref name="port"/> sees it.</summary>
    private async Task<ClusterConfiguration> NodesAsync(int port) => (await Server(port).ClusterNodesAsync())!;

    /// <summary>0 for a node the map has no address for.</summary>
    private static int PortOf(ClusterNode node) => (node.EndPoint as IPEndPoint)?.Port ?? 0;

    private static bool IsFailed(ClusterNode node) => node.IsFail || node.IsPossiblyFail;

    private static bool IsLivePrimary(ClusterNode node) => !node.IsReplica && !IsFailed(node) && node.Slots.Count > 0;

    private int LiveNode => _nodes.First(n => !n.Value.HasExited).Key;

    /// <summary>The ports of the nodes that are primaries now (from CLUSTER NODES of a live node).</summary>
    public async Task<IReadOnlyList<int>> PrimaryPortsAsync() =>
        (await NodesAsync(LiveNode)).Nodes.Where(IsLivePrimary).Select(PortOf).ToList();

    /// <summary>The port of the primary that serves <paramref name="key"/>'s hash slot now.</summary>
    public async Task<int> PrimaryForAsync(string key) =>
        PortOf((await NodesAsync(LiveNode)).GetBySlot(key) ?? throw new InvalidOperationException($"No primary serves the slot of {key}."));

    /// <summary>
    /// The port of the live replica of the primary on <paramref name="primaryPort"/>, once that
    /// primary's own map shows one. Its map learns of a fresh replica by gossip, which can come after
    /// the replication link is up, so INFO's "connected_slaves:1" does not imply it.
    /// </summary>
    public async Task<int> WaitForReplicaOfAsync(int primaryPort, CancellationToken cancellationToken)
    {
        var replica = 0;
        await WaitUntilAsync(async () => (replica = await KnownReplicaOfAsync(primaryPort)) != 0, $"a replica of node {primaryPort} to be known", cancellationToken);
        return replica;
    }

    /// <summary>The port of a live replica in the map of the primary on <paramref name="primaryPort"/>; 0 when it shows none yet.</summary>
    private async Task<int> KnownReplicaOfAsync(int primaryPort) =>
        (await NodesAsync(primaryPort)).Nodes.Single(n => n.IsMyself).Children.Where(n => !IsFailed(n)).Select(PortOf).FirstOrDefault();

    /// <summary>SIGKILL of one node: nothing flushed, no goodbye to the cluster.</summary>
    public void Kill(int port)
    {
        _nodes[port].Kill();
        _nodes[port].WaitForExit();
    }

    /// <summary>SIGSTOP of one node (a stalled VM); <see cref="ResumeAsync"/> wakes it.</summary>
    public Task PauseAsync(int port) => Signals.SendAsync(_nodes[port].Id, "STOP");

    public Task ResumeAsync(int port) => Signals.SendAsync(_nodes[port].Id, "CONT");

    /// <summary>Waits until the node on <paramref name="port"/> serves slots as a primary (a replica promoted after its primary failed).</summary>
    public async Task WaitUntilPrimaryAsync(int port, CancellationToken cancellationToken) =>
        await WaitUntilAsync(async () => (await PrimaryPortsAsync()).Contains(port), $"node {port} to be promoted", cancellationToken);

    /// <summary>
    /// Replaces a killed node the way an operator would: a fresh, empty node on its port joins as the
    /// replica of the primary that has none. (Restarted over its old nodes.conf, an empty node would
    /// claim its old slots as a primary until the cluster corrects it, and answer misses meanwhile.)
    /// </summary>
    public async Task ReplaceWithReplicaAsync(int port, CancellationToken cancellationToken)
    {
        var live = LiveNode;
        var nodes = (await NodesAsync(live)).Nodes;
        var orphan = nodes.Single(p => IsLivePrimary(p) && !p.Children.Any(r => !IsFailed(r))).NodeId;
        // The cluster forgets the dead node's id, so the new node may take its address. The client's
        // map leaves a dead node out, so its id comes from its line of the raw map ("<id> <ip>:<port>@<bus> ...").
        var dead = (await Server(live).ClusterNodesRawAsync())!.Split('\n').Single(line => line.Contains($":{port}@", StringComparison.Ordinal)).Split(' ')[0];
        foreach (var other in _nodes.Where(n => n.Key != port && !n.Value.HasExited).Select(n => n.Key))
        {
            await CliAsync(other, "CLUSTER", "FORGET", dead);
        }
        Directory.Delete(NodeFolder(port), recursive: true);
        StartNode(port);
        await WaitUntilAsync(async () => await CliAsync(port, "PING") == "PONG", $"node {port} to answer PING", cancellationToken);
        var added = await RunAsync("redis-cli", ["--cluster", "add-node", $"127.0.0.1:{port}", $"127.0.0.1:{live}", "--cluster-slave", "--cluster-master-id", orphan], cancellationToken);
        if (!added.Contains("[OK] New node added correctly", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("redis-cli --cluster add-node failed:\n" + added);
        }
        await WaitHealthyAsync(cancellationToken);
    }

    private static readonly TimeSpan ManualFailoverRetry = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A manual failover (CLUSTER FAILOVER on the replica of <paramref name="primaryPort"/>): the replica
    /// takes over the primary's slots while both are up, and the old primary follows it. Returns the
    /// new primary's port once the cluster is healthy again.
    /// </summary>
    public async Task<int> ManualFailoverAsync(int primaryPort, CancellationToken cancellationToken)
    {
        var replica = await WaitForReplicaOfAsync(primaryPort, cancellationToken);
        var answer = await CliAsync(replica, "CLUSTER", "FAILOVER");
        if (answer != "OK")
        {
            throw new InvalidOperationException($"CLUSTER FAILOVER on {replica} answered {answer}.");
        }
        // Redis abandons a manual failover that has not completed within 5 s (CLUSTER_MF_TIMEOUT), for example
        // while the replica is still settling in after an earlier failover; it is then asked again.
        var asked = Stopwatch.StartNew();
        await WaitUntilAsync(async () =>
        {
            if (await Server(primaryPort).RoleAsync() is Role.Replica && (await PrimaryPortsAsync()).Contains(replica))
            {
                return true;
            }
            if (asked.Elapsed > ManualFailoverRetry)
            {
                await CliAsync(replica, "CLUSTER", "FAILOVER");
                asked.Restart();
            }
            return false;
        }, $"node {replica} to take over from {primaryPort}", cancellationToken);
        await WaitHealthyAsync(cancellationToken);
        return replica;
    }

    /// <summary>Runs one redis-cli command against a node and returns its output.</summary>
    public static Task<string> CliAsync(int port, params string[] command) =>
        RunAsync("redis-cli", ["-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. command], CancellationToken.None);

    private string NodeFolder(int port) => Path.Combine(_folder, port.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void StartNode(int port)
    {
        var folder = NodeFolder(port);
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo("redis-server",
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", folder,
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", NodeTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cluster-require-full-coverage", "no",
            // Durability here comes from the replica (the store WAITs for it), not from disk.
            "--save", "", "--appendonly", "no",
            // A fresh replica's full sync starts at once, not after the 5 s Redis waits for more replicas by default.
            "--repl-diskless-sync-delay", "0",
            "--logfile", "redis.log",
        ])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _nodes.GetValueOrDefault(port)?.Dispose();
        _nodes[port] = Process.Start(start) ?? throw new InvalidOperationException("Could not start redis-server.");
    }

    private static async Task<string> RunAsync(string file, IEnumerable<string> args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TestTimeouts.Request, cancellationToken);
        return ((await output) + (await error)).Trim();
    }

    /// <summary>Polls until <paramref name="condition"/> holds; a node that does not answer yet counts as "not yet".</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!await HoldsAsync(condition))
        {
            if (deadline.Elapsed > TestTimeouts.Startup)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<bool> HoldsAsync(Func<Task<bool>> condition)
    {
        try
        {
            return await condition();
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Ports p whose cluster bus port p + 10000 is free too.</summary>
    private static List<int> FreePortPairs(int count)
    {
        var ports = new List<int>();
        while (ports.Count < count)
        {
            var port = Random.Shared.Next(20000, 50000);
            if (!ports.Contains(port) && IsFree(port) && IsFree(port + 10000))
            {
                ports.Add(port);
            }
        }
        return ports;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }
        foreach (var node in _nodes.Values)
        {
            try
            {
                if (!node.HasExited)
                {
                    node.Kill();
                    await node.WaitForExitAsync();
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            node.Dispose();
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // In /tmp; a node's last write may race the delete.
        }
    }
}
