namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class CookieModeApp : ICollectionFixture<CookieModeAppFixture>
{
    public const string Name = "cookie-mode app";
}
