namespace Counter.Web.KvStore;

/// <summary>One entry of a listing: its key, JSON value and version (what a compare-and-set names).</summary>
public sealed record ListedEntry(string Key, System.Text.Json.JsonElement Value, string Version);
