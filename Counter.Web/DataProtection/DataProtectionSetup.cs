using Counter.Web.KvClient;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Counter.Web.DataProtection;

public static partial class DataProtectionSetup
{
    public const string ApplicationName = "Counter.Web";

    /// <summary>
    /// One key ring for all replicas, kept in the KV store, and loaded at start-up so that the
    /// first page load does not pay for it (and a missing store shows up in the logs at once).
    /// </summary>
    public static WebApplicationBuilder AddSharedDataProtection(this WebApplicationBuilder builder)
    {
        builder.Services.AddKvStoreClient();
        // AES-256-GCM instead of the default AES-256-CBC + HMAC-SHA256: one authenticated pass instead of
        // two primitives (cookie mode unprotects and protects its session on every page). Applies to keys created from now on; existing keys keep
        // their algorithm, so payloads they protected still read.
        builder.Services.AddDataProtection()
            .SetApplicationName(ApplicationName)
            .UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration { EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM });
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = new KvStoreXmlRepository(sp)));
        builder.Services.AddHostedService<KeyRingWarmUp>();
        return builder;
    }

    private sealed partial class KeyRingWarmUp(IDataProtectionProvider provider, ILogger<KeyRingWarmUp> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                provider.CreateProtector("Counter.Web.WarmUp").Protect([1]);
            }
            catch (Exception ex) when (ex is KvStoreUnavailableException or InvalidOperationException)
            {
                // Not fatal: the key ring loads on first use once the store answers.
                LogWarmUpFailed(logger, ex);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(300, LogLevel.Warning, "Could not load the Data Protection key ring from the store at start-up")]
        private static partial void LogWarmUpFailed(ILogger logger, Exception exception);
    }
}
