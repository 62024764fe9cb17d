using Counter.Tests.Infrastructure;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace Counter.Tests.Security;

/// <summary>
/// The AppHost keeps its generated secrets (store credentials, session key secret, key-encryption
/// key, dashboard keys) in its user-secrets file: once an app has started, that folder is 0700 and
/// the file 0600.
/// </summary>
[Collection(EmbeddedApp.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UserSecretsPermissionTests(EmbeddedAppFixture app)
{
    /// <summary>Counter.AppHost.csproj's UserSecretsId.</summary>
    private const string UserSecretsId = "6c7b2f8e-5d1a-4c3e-9b0f-counter-apphost";

    [Fact]
    public void TheAppHostsUserSecretsAreItsOwnersAlone()
    {
        Assert.NotNull(app.App);
        var path = PathHelper.GetSecretsPathFromSecretsId(UserSecretsId);

        Assert.True(File.Exists(path), $"{path} does not exist after the AppHost started.");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
