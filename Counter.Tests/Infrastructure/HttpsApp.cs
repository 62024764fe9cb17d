namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class HttpsApp : ICollectionFixture<HttpsAppFixture>
{
    public const string Name = "https app";
}
