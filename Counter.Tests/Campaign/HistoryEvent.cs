using System.Globalization;
using System.Text.Json.Serialization;

namespace Counter.Tests.Campaign;

/// <summary>
/// One line of a recorded history: an operation of a store client or a page client, or a fault the
/// nemesis injected. Times are microseconds on the run's one monotonic clock (<see cref="HistoryRecorder"/>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(StoreOperation), "store")]
[JsonDerivedType(typeof(PageOperation), "page")]
[JsonDerivedType(typeof(NemesisEvent), "fault")]
public abstract record HistoryEvent
{
    /// <summary>A line a person can follow: who did what, when, and what came of it.</summary>
    public abstract string Describe();

    /// <summary>A time on the history's clock as seconds since the run began.</summary>
    public static string Seconds(long micros) =>
        micros == long.MaxValue ? "∞" : (micros / 1e6).ToString("0.000", CultureInfo.InvariantCulture) + " s";
}
