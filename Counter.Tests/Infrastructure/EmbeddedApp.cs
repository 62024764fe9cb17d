namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class EmbeddedApp : ICollectionFixture<EmbeddedAppFixture>
{
    public const string Name = "embedded app";
}
