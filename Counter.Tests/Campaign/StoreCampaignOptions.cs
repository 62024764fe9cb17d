namespace Counter.Tests.Campaign;

/// <summary>What one store campaign run does: its seed and size, which faults, and against which store.</summary>
public sealed record StoreCampaignOptions
{
    public required int Seed { get; init; }

    public required TimeSpan Length { get; init; }

    public int Clients { get; init; } = 6;

    public int Keys { get; init; } = 5;

    public CampaignTopology Topology { get; init; } = CampaignTopology.Embedded;

    /// <summary>On a Redis Cluster, the store's <c>Storage:Redis:ReplicaAcknowledgements</c>.</summary>
    public int ReplicaAcknowledgements { get; init; }

    /// <summary>Faults docs/guarantees.md says may lose acknowledged writes: the run reports what it finds as expected.</summary>
    public bool LossesExpected => Topology == CampaignTopology.RedisCluster && ReplicaAcknowledgements == 0;

    /// <summary>The topology as the results name it: <c>embedded</c>, <c>redis-server</c>, <c>redis-cluster-acks1</c>..., and <c>-wrong-store</c> after it for the deliberately wrong store.</summary>
    public string TopologyName => Topology switch
    {
        CampaignTopology.Embedded => "embedded",
        CampaignTopology.RedisServer => "redis-server",
        CampaignTopology.Garnet => "garnet",
        _ => $"redis-cluster-acks{ReplicaAcknowledgements}",
    } + (IgnoreConditions ? "-wrong-store" : "");

    /// <summary>A name for the run's files and report: topology, seed, and what is special about it.</summary>
    public string Name => $"{TopologyName}-{Seed}";

    /// <summary>Adds wall-clock steps to the kills and pauses; every write then carries a ttl the steps cross.</summary>
    public bool ClockSteps { get; init; }

    /// <summary>Adds network partitions (<see cref="NemesisSchedule.PartitionKinds"/>) where nft can make them; without nft the run says so and goes on without.</summary>
    public bool Partitions { get; init; }

    /// <summary>Adds the embedded store's disk faults the machine allows (<see cref="DiskFaults"/>: I/O errors through libfiu, a full tmpfs).</summary>
    public bool DiskFaults { get; init; }

    /// <summary>Runs a deliberately wrong store: it drops every write's precondition (the <c>ignoreIfMatch</c> test hook).</summary>
    public bool IgnoreConditions { get; init; }

    /// <summary>Another build of the store to run (null: this build's).</summary>
    public string? StoreDll { get; init; }
}
