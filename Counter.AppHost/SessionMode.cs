namespace Counter.AppHost;

/// <summary>web's Session:Mode, in the same words.</summary>
internal enum SessionMode
{
    ServerSide,
    Cookie,
}
