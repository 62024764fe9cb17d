namespace Counter.Tests.Campaign;

/// <summary>The checker's decision for one key, with the search's size and, when it failed, why.</summary>
public sealed record KeyVerdict(string Key, Verdict Verdict, int Operations, long Steps, string? Explanation);
