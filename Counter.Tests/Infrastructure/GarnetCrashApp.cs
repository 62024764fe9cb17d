namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class GarnetCrashApp : ICollectionFixture<GarnetCrashAppFixture>
{
    public const string Name = "garnet crash app";
}
