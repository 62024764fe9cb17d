namespace Microsoft.Extensions.Configuration;

/// <summary>
/// A setting the service cannot start with: its message names the setting and what to do, and
/// <see cref="Microsoft.Extensions.Hosting.ServiceStart"/> turns it into one line and exit code 2.
/// </summary>
public sealed class SettingException(string message) : Exception(message);
