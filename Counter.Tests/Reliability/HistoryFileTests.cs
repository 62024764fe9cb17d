using Counter.Tests.Campaign;

namespace Counter.Tests.Reliability;

/// <summary>A history saved as JSON lines reads back as the same events, so a failed run can be checked again.</summary>
[Trait("Category", "Unit")]
public sealed class HistoryFileTests
{
    [Fact]
    public void EveryKindOfEventSurvivesARoundTrip()
    {
        HistoryEvent[] history =
        [
            new StoreOperation
            {
                Id = 1, Process = 2, Key = "k", Kind = StoreOperationKind.Put, Condition = Precondition.IfMatch, IfMatch = 7,
                Written = "p2-1", Batch = 4, Invoke = 10, Return = 20, Outcome = Outcome.Ok, Version = 8, Note = "201",
            },
            new StoreOperation { Id = 2, Process = 3, Key = "k", Kind = StoreOperationKind.Read, Invoke = 15, Return = 30, Outcome = Outcome.Info },
            new PageOperation { Id = 3, Process = 1, Session = "s1", Kind = PageOperationKind.Load, Invoke = 1, Return = 2, Outcome = Outcome.Ok, Count = 5 },
            new NemesisEvent { Fault = "kill", Target = "kvstore", Start = 5, End = 9 },
        ];
        using var text = new StringWriter();

        HistoryFile.Write(history, text);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var read = HistoryFile.Read(new StringReader(text.ToString()));

        Assert.Equal(4, lines.Length);
        Assert.Contains("\"outcome\":\"ok\"", lines[0], StringComparison.Ordinal);
        Assert.Equal(history, read);
    }
}
