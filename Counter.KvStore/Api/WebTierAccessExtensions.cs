namespace Counter.KvStore.Api;

public static class WebTierAccessExtensions
{
    /// <summary>Lets the web tier's credential call this endpoint; every other endpoint needs the operations credential.</summary>
    public static RouteHandlerBuilder AllowWebTier(this RouteHandlerBuilder endpoint, bool keyRingListingOnly = false) =>
        endpoint.WithMetadata(new WebTierAccess(keyRingListingOnly));
}
