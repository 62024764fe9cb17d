using System.Text;

namespace Counter.Tests.Campaign;

/// <summary>A broken promise found in a history, with the operations a person needs to follow it.</summary>
public sealed record Anomaly(string Kind, string Subject, string Explanation, IReadOnlyList<HistoryEvent> Operations)
{
    public override string ToString()
    {
        var text = new StringBuilder().Append(Kind).Append(" on ").Append(Subject).Append(": ").AppendLine(Explanation);
        if (Explanation.Contains('\n', StringComparison.Ordinal))
        {
            return text.ToString(); // A multi-line explanation already shows the operations in context.
        }
        foreach (var operation in Operations)
        {
            text.Append("    ").AppendLine(operation.Describe());
        }
        return text.ToString();
    }
}
