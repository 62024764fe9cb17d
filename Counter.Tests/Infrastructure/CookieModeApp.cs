namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class CookieModeApp : ICollectionFixture<CookieAppFixture>
{
    public const string Name = "cookie app";
}
