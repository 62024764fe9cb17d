namespace Counter.Tests.Campaign;

/// <summary>A fault the nemesis injected, from its start to the moment it was healed.</summary>
public sealed record NemesisEvent : HistoryEvent
{
    /// <summary>The kind of fault, e.g. <c>kill</c> (kill -9, then restart) or <c>pause</c> (SIGSTOP, then SIGCONT).</summary>
    public required string Fault { get; init; }

    /// <summary>The process or link it hit.</summary>
    public required string Target { get; init; }

    public required long Start { get; init; }

    public required long End { get; init; }

    public override string Describe() => $"fault {Fault} of {Target} [{Seconds(Start)} → {Seconds(End)}]";
}
