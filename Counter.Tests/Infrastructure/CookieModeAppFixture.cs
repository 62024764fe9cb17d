namespace Counter.Tests.Infrastructure;

public sealed class CookieModeAppFixture : CounterAppFixture
{
    protected override string SessionMode => "Cookie";

    protected override bool EnableDashboard => true;
}
