using System.ComponentModel.DataAnnotations;
using Counter.KvStore.Api;
using Counter.KvStore.Storage;
using Counter.KvStore.Storage.Redis;
using Counter.KvStore.Storage.Sqlite;
using Counter.Tests.Infrastructure;
using Counter.Web.KvStore;
using Counter.Web.RateLimits;
using Counter.Web.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Counter.Tests.Operations;

/// <summary>
/// The options classes' own rules, as the services check them at start-up: defaults pass, and each
/// rule refuses a value naming the setting. (That the services stop on them: StartupSettingsTests.)
/// </summary>
[Trait("Category", "Unit")]
public sealed class OptionsValidationTests
{
    [Fact]
    public void EveryOptionsClassIsValidWithItsDefaults()
    {
        Assert.Empty(Validate(new StorageOptions()));
        Assert.Empty(Validate(new SqliteStorageOptions()));
        Assert.Empty(Validate(new RedisStorageOptions()));
        Assert.Empty(Validate(new ApiLimits()));
        Assert.Empty(Validate(new RateLimitOptions()));
        Assert.Empty(Validate(new SessionOptions()));
        Assert.Empty(Validate(new KvStoreClientOptions { Credential = "web-credential-0123456789" }));
        Assert.Empty(Validate(new CredentialOptions { Web = "web-credential-0123456789", Operations = "operations-credential-0123456789" }));
    }

    [Theory]
    [InlineData("", "operations-credential-0123456789", "Web")]
    [InlineData("short", "operations-credential-0123456789", "Web")]
    [InlineData("web-credential-0123456789", "", "Operations")]
    [InlineData("same-credential-0123456789", "same-credential-0123456789", "must differ")]
    public void TheStoresCredentialsMustBeLongAndDifferent(string web, string operations, string complaint)
    {
        var errors = Validate(new CredentialOptions { Web = web, Operations = operations });

        Assert.Contains(errors, e => e.Contains(complaint, StringComparison.Ordinal));
    }

    [Fact]
    public void WebNeedsItsStoreCredential()
    {
        Assert.Contains(Validate(new KvStoreClientOptions()), e => e.Contains("Credential", StringComparison.Ordinal));
        Assert.Contains(Validate(new KvStoreClientOptions { Credential = "too-short" }), e => e.Contains("Credential", StringComparison.Ordinal));
    }

    [Fact]
    public void OutOfRangeLimitsAreRefusedNamingTheSetting()
    {
        Assert.Contains(Validate(new RateLimitOptions { PagesPerWindow = 0 }), e => e.Contains(nameof(RateLimitOptions.PagesPerWindow), StringComparison.Ordinal));
        Assert.Contains(Validate(new ApiLimits { MaxKeyLength = 0 }), e => e.Contains(nameof(ApiLimits.MaxKeyLength), StringComparison.Ordinal));
        Assert.Contains(Validate(new SqliteStorageOptions { MaxBatchSize = 0 }), e => e.Contains(nameof(SqliteStorageOptions.MaxBatchSize), StringComparison.Ordinal));
        Assert.Contains(Validate(new KvStoreClientOptions { Credential = "web-credential-0123456789", MaxBatchSize = 0 }), e => e.Contains(nameof(KvStoreClientOptions.MaxBatchSize), StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Session:KeySecret", "too-short", "Session:KeySecret must be at least 32 characters")]
    [InlineData("Session:IdleTimeout", "00:00:00", "Session:IdleTimeout must be positive")]
    [InlineData("Session:IdleTimeout", "1.00:00:00", "no longer than Session:AbsoluteLifetime")]
    public async Task SessionSettingsThatCannotWorkTogetherAreRefused(string setting, string value, string message)
    {
        WebReplica? replica = null;
        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            replica = new WebReplica(settings: new Dictionary<string, string?> { [setting] = value });
            _ = replica.Services.GetRequiredService<IOptions<SessionOptions>>().Value;
        });
        if (replica is not null)
        {
            await replica.DisposeAsync();
        }

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static List<string> Validate(object options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (options is IValidatableObject validatable && results.Count == 0)
        {
            results.AddRange(validatable.Validate(new ValidationContext(options)));
        }
        return [.. results.Select(r => r.ErrorMessage + " [" + string.Join(", ", r.MemberNames) + "]")];
    }
}
