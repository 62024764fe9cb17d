namespace Counter.Web.Sessions;

public enum SessionMode
{
    ServerSide,
    Cookie,
}
