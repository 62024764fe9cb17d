namespace Counter.Tests.Infrastructure;

public sealed class CookieAppFixture : CounterAppFixture
{
    protected override string SessionMode => "Cookie";

    protected override bool EnableDashboard => true;
}
