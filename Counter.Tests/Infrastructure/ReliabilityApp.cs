namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class ReliabilityApp : ICollectionFixture<ReliabilityAppFixture>
{
    public const string Name = "reliability app";
}
