namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class GarnetApp : ICollectionFixture<GarnetAppFixture>
{
    public const string Name = "garnet app";
}
