namespace Counter.Web.Sessions;

/// <summary>
/// The session a request works on, by its identifier: <see cref="Value"/> is what the cookie carries,
/// <see cref="StorageKey"/> what the store sees instead; <see cref="IsNew"/> when this request issued
/// it (its cookie is set when it is first saved).
/// </summary>
public sealed record SessionId(string Value, StorageKey StorageKey, bool IsNew);
