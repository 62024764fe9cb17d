namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ServerSideApp : ICollectionFixture<ServerSideAppFixture>
{
    public const string Name = "server-side app";
}
