using System.Text.Json;
using System.Text.Json.Serialization;

namespace Counter.Tests.Campaign;

/// <summary>A history as JSON lines (one event a line), so a failed run can be kept and checked again.</summary>
public static class HistoryFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write(IEnumerable<HistoryEvent> history, TextWriter writer)
    {
        foreach (var entry in history)
        {
            writer.WriteLine(JsonSerializer.Serialize(entry, Options));
        }
    }

    public static List<HistoryEvent> Read(TextReader reader)
    {
        var history = new List<HistoryEvent>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }
            history.Add(JsonSerializer.Deserialize<HistoryEvent>(line, Options)
                ?? throw new InvalidDataException($"Line {number} of the history is null."));
        }
        return history;
    }

    public static void Save(IEnumerable<HistoryEvent> history, string path)
    {
        using var writer = new StreamWriter(path);
        Write(history, writer);
    }

    public static List<HistoryEvent> Load(string path)
    {
        using var reader = new StreamReader(path);
        return Read(reader);
    }
}
