using System.Xml.Linq;
using Counter.Tests.Campaign;

namespace Counter.Tests.Reliability;

/// <summary>The timeline picture counts each operation in its half second by outcome, and shades each fault window.</summary>
[Trait("Category", "Unit")]
public sealed class TimelineSvgTests
{
    [Fact]
    public void EachHalfSecondStacksItsOperationsByOutcomeAndEachFaultIsShaded()
    {
        HistoryEvent[] history =
        [
            Read(1, 100_000, Outcome.Ok),
            Read(2, 200_000, Outcome.Ok),
            Read(3, 300_000, Outcome.Info),
            Read(4, 1_200_000, Outcome.Fail),
            new NemesisEvent { Fault = "redis-kill", Target = "redis-server", Start = 600_000, Healed = 900_000, End = 1_100_000 },
        ];

        var svg = XDocument.Parse(TimelineSvg.Render(history, "test run"));
        var titles = svg.Descendants().Where(e => e.Name.LocalName == "title").Select(e => e.Value).ToList();

        Assert.Equal(["fault redis-kill of redis-server [0.600 s → 1.100 s]", "fault redis-kill of redis-server [0.600 s → 1.100 s] (healing)",
            "0.0 s: 2 ok", "0.0 s: 1 info", "1.0 s: 1 fail"], titles);
        Assert.Contains(svg.Descendants(), e => e.Name.LocalName == "text" && e.Value == "redis-kill");
    }

    private static StoreOperation Read(long id, long invoke, Outcome outcome) => new()
    {
        Id = id, Process = 0, Key = "k", Kind = StoreOperationKind.Read, Invoke = invoke, Return = invoke + 1000, Outcome = outcome,
    };
}
