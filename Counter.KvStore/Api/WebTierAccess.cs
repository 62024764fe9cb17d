namespace Counter.KvStore.Api;

/// <summary>Endpoint metadata: the web tier's credential may call this endpoint (<see cref="CredentialMiddleware"/>).</summary>
/// <param name="KeyRingListingOnly">Only with <c>?prefix=</c> inside the Data Protection key ring (a listing endpoint).</param>
public sealed record WebTierAccess(bool KeyRingListingOnly = false);
