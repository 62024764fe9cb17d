using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// A cookie-mode app on a data folder that outlives it (so a second app can start on the same
/// store), its key ring kept plain or, with the key-encryption key, migrated (KeyRing:MigrateUnsealedKeys).
/// </summary>
public sealed class CookieModeAppOnFolder(string dataPath, bool plainKeyRing) : CounterAppFixture
{
    protected override string SessionMode => "Cookie";

    public override string DataPath => dataPath;

    protected override bool KeepData => true;

    protected override void ConfigureWeb(IResourceBuilder<ProjectResource> web)
    {
        web.WithEnvironment(plainKeyRing ? "KeyRing__KeyEncryptionKey" : "KeyRing__MigrateUnsealedKeys", plainKeyRing ? "" : "true");
    }
}
