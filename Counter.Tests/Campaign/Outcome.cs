namespace Counter.Tests.Campaign;

/// <summary>What the client knows about an operation once it is over (Jepsen's ok / fail / info).</summary>
public enum Outcome
{
    /// <summary>Acknowledged: it took effect, and the answer says what it read or wrote.</summary>
    Ok,

    /// <summary>Definitely not applied (412, 413, 404, or a 503 the store says was never applied).</summary>
    Fail,

    /// <summary>Unknown: a timeout, a reset or refused connection, a 503 that may have applied. It may take effect at any time after its invocation, or never.</summary>
    Info,
}
