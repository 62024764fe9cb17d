namespace Counter.Tests.Campaign;

/// <summary>
/// A figure, not a verdict: of the operations begun in a window, how many were acknowledged, and how
/// many definitely refused (412s among them: an answer, just not a yes).
/// </summary>
public sealed record AvailabilityWindow(string Label, int Operations, int Ok, int Fail)
{
    public double Share => Operations == 0 ? 1 : (double)Ok / Operations;

    public override string ToString() =>
        $"{Label}: {Ok}/{Operations} ok ({Share:P1}), {Fail} fail, {Operations - Ok - Fail} info";
}
