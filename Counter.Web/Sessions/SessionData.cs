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

    /// <summary>Values read from a stored record; the object is taken over, not copied.</summary>
    internal static SessionData Of(JsonObject values) => new(values);
}
