namespace Counter.Tests.Campaign;

public enum Verdict
{
    Linearizable,

    NotLinearizable,

    /// <summary>The search hit its bound before deciding: never a pass.</summary>
    Unknown,
}
