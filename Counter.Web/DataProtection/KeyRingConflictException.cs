namespace Counter.Web.DataProtection;

/// <summary>
/// A key-ring element could not be written because its name is taken by something that is not ours
/// (it does not open under the key-encryption key, or says something else): whoever can write the
/// store put it there first. Never retried or ignored: a revocation dropped in silence would leave
/// a compromised key in use.
/// </summary>
public sealed class KeyRingConflictException(string message) : Exception(message);
