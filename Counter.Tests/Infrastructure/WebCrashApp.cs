namespace Counter.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class WebCrashApp : ICollectionFixture<WebCrashAppFixture>
{
    public const string Name = "web crash app";
}
