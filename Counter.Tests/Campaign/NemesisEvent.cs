namespace Counter.Tests.Campaign;

/// <summary>A fault the nemesis injected, from its start to the moment it was healed.</summary>
public sealed record NemesisEvent : HistoryEvent
{
    /// <summary>The kind of fault, e.g. <c>kill</c> (kill -9, then restart) or <c>pause</c> (SIGSTOP, then SIGCONT),
    /// <c>clock-ahead</c> / <c>clock-behind</c> (the wall clock alone stepped, then set right).</summary>
    public required string Fault { get; init; }

    /// <summary>The process or link it hit.</summary>
    public required string Target { get; init; }

    public required long Start { get; init; }

    /// <summary>When healing began (restart, SIGCONT, the clock set right); the fault was in force from <see cref="Start"/> until then.</summary>
    public long? Healed { get; init; }

    public required long End { get; init; }

    public override string Describe() => $"fault {Fault} of {Target} [{Seconds(Start)} → {Seconds(End)}]";
}
