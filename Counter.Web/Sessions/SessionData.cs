using System.Text.Json;
using System.Text.Json.Nodes;

namespace Counter.Web.Sessions;

/// <summary>The values of one session: a JSON object of named values, as the original kept.</summary>
public sealed class SessionData
{
    private readonly JsonObject _values;

    public SessionData() : this([])
    {
    }

    private SessionData(JsonObject values) => _values = values;

    public int GetInt32(string name) =>
        _values[name] is JsonValue value && value.TryGetValue<int>(out var number) ? number : 0;

    public void SetInt32(string name, int value) => _values[name] = value;

    internal JsonObject Values => _values;

    internal SessionData Clone() => new((JsonObject)_values.DeepClone());

    internal bool SameAs(SessionData other) => JsonNode.DeepEquals(_values, other._values);

    internal static SessionData From(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && JsonNode.Parse(element.GetRawText()) is JsonObject values
            ? new SessionData(values)
            : new SessionData();
}
