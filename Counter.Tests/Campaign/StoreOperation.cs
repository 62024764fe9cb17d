using System.Text;

namespace Counter.Tests.Campaign;

/// <summary>
/// One operation of a store client on one key. Every write writes a value no other write writes, so a
/// value names the write that made it, and a version seen with a value names that value.
/// </summary>
public sealed record StoreOperation : HistoryEvent
{
    public required long Id { get; init; }

    /// <summary>The logical client that issued it (one operation at a time per client).</summary>
    public required int Process { get; init; }

    public required string Key { get; init; }

    public required StoreOperationKind Kind { get; init; }

    public Precondition Condition { get; init; }

    /// <summary>The version an <see cref="Precondition.IfMatch"/> write or delete required.</summary>
    public long? IfMatch { get; init; }

    /// <summary>The value a put wrote (unique in the history).</summary>
    public string? Written { get; init; }

    /// <summary>The batch a put was an item of, if any.</summary>
    public long? Batch { get; init; }

    public required long Invoke { get; init; }

    /// <summary>When the answer came (or the client gave up). An <see cref="Outcome.Info"/> operation may still take effect after it.</summary>
    public long Return { get; init; }

    public Outcome Outcome { get; init; }

    /// <summary>The value an ok read returned (null: the key was absent), or the winner's value a 412 carried.</summary>
    public string? Observed { get; init; }

    /// <summary>The version an ok read returned or an ok put wrote, or the winner's version a 412 carried.</summary>
    public long? Version { get; init; }

    /// <summary>The answer in words (status, error), for a person reading the history.</summary>
    public string? Note { get; init; }

    public override string Describe()
    {
        var text = new StringBuilder().Append('#').Append(Id).Append(" p").Append(Process).Append(' ');
        text.Append(Kind switch
        {
            StoreOperationKind.Read => $"read {Key}",
            StoreOperationKind.Put => $"put {Key} = '{Written}'",
            StoreOperationKind.Hide => $"wall clock ahead: {Key}'s value may be hidden",
            StoreOperationKind.Reveal => $"wall clock set right: {Key}'s hidden value is back",
            _ => $"delete {Key}",
        });
        text.Append(Condition switch
        {
            Precondition.IfMatch => $" if-match v{IfMatch}",
            Precondition.IfNoneMatch => " if-none-match",
            _ => "",
        });
        if (Batch is { } batch)
        {
            text.Append(" (batch ").Append(batch).Append(')');
        }
        text.Append(" [").Append(Seconds(Invoke)).Append(" → ").Append(Seconds(Return)).Append("] ");
        text.Append(Outcome switch
        {
            Outcome.Ok when Kind == StoreOperationKind.Read => Observed is null ? "ok: absent" : $"ok: '{Observed}' v{Version}",
            Outcome.Ok when Kind == StoreOperationKind.Put => $"ok: v{Version}",
            Outcome.Ok => "ok",
            Outcome.Fail => "fail",
            _ => "info (unknown)",
        });
        if (Note is { Length: > 0 } note)
        {
            text.Append(" (").Append(note).Append(')');
        }
        return text.ToString();
    }
}
