namespace Counter.Tests.Campaign;

/// <summary>
/// One request of a page client to its session: a load (increment, then show the count) or a reset.
/// A session is named by a label of the client's cookie jar, never by its cookie.
/// </summary>
public sealed record PageOperation : HistoryEvent
{
    public required long Id { get; init; }

    public required int Process { get; init; }

    public required string Session { get; init; }

    public required PageOperationKind Kind { get; init; }

    public required long Invoke { get; init; }

    public long Return { get; init; }

    public Outcome Outcome { get; init; }

    /// <summary>The count an ok load showed.</summary>
    public int? Count { get; init; }

    public string? Note { get; init; }

    public override string Describe() =>
        $"#{Id} p{Process} {(Kind == PageOperationKind.Load ? "load" : "reset")} {Session} [{Seconds(Invoke)} → {Seconds(Return)}] "
        + (Outcome switch
        {
            Outcome.Ok when Kind == PageOperationKind.Load => $"ok: showed {Count}",
            Outcome.Ok => "ok",
            Outcome.Fail => "fail",
            _ => "info (unknown)",
        })
        + (Note is { Length: > 0 } note ? $" ({note})" : "");
}
