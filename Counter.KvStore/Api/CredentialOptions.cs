using System.ComponentModel.DataAnnotations;

namespace Counter.KvStore.Api;

/// <summary>
/// The store's two credentials, which the AppHost generates. Bound from the "Credentials" section.
/// The web tier's may do what a session layer does; the operations credential may do everything.
/// </summary>
public sealed class CredentialOptions : IValidatableObject
{
    public const string SectionName = "Credentials";

    /// <summary>The web tier's: single-key reads and writes, the batch, and listing the key ring. At least 16 characters.</summary>
    [Required]
    [MinLength(16)]
    public string Web { get; set; } = string.Empty;

    /// <summary>Operations' (the dashboard commands, the dump, the original API, tests): every call. At least 16 characters.</summary>
    [Required]
    [MinLength(16)]
    public string Operations { get; set; } = string.Empty;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Web == Operations)
        {
            yield return new ValidationResult("Credentials:Web and Credentials:Operations must differ: the web tier's credential must not be able to list, dump or clear.", [nameof(Web)]);
        }
    }
}
