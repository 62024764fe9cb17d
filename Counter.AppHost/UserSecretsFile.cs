using System.Reflection;
using Counter.ServiceDefaults;
using Microsoft.Extensions.Configuration.UserSecrets;

namespace Counter.AppHost;

/// <summary>
/// The AppHost keeps the secrets it generates (the store's credentials, the session key secret, the
/// key-encryption key, the dashboard's keys) in its user-secrets file. That file, and the folder
/// that holds it, are the owner's alone (<see cref="OwnerOnly"/>), whatever the umask or an older
/// version left: fixed at start, and again once Aspire has written the generated values.
/// </summary>
internal static class UserSecretsFile
{
    public static IDistributedApplicationBuilder RestrictUserSecretsToOwner(this IDistributedApplicationBuilder builder)
    {
        if (typeof(UserSecretsFile).Assembly.GetCustomAttribute<UserSecretsIdAttribute>()?.UserSecretsId is not { } id)
        {
            return builder;
        }
        var path = PathHelper.GetSecretsPathFromSecretsId(id);
        OwnerOnly.CreateFolder(Path.GetDirectoryName(path)!);
        OwnerOnly.Restrict(path);
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
        {
            OwnerOnly.Restrict(path);
            return Task.CompletedTask;
        });
        return builder;
    }
}
