namespace Counter.Tests.Infrastructure;

public sealed class WebCrashAppFixture : CounterAppFixture
{
    protected override string SessionMode => "ServerSide";

    public override int WebReplicas => 2;
}
