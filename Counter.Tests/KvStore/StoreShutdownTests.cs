using Counter.Tests.Infrastructure;

namespace Counter.Tests.KvStore;

/// <summary>
/// A graceful stop ends with the host disposing its services, which reaches the embedded engine
/// twice (registered as itself and as the engine the endpoints use): the store must stop cleanly,
/// not abort from the second disposal.
/// </summary>
[Trait("Category", "Unit")]
public sealed class StoreShutdownTests
{
    [Fact]
    public async Task TheEmbeddedStoreStopsCleanlyWithItsHost()
    {
        var store = new InProcessKvStore();
        await store.PlantAsync("shutdown-probe", "1");
        Assert.Equal("1", await store.ReadAsync("shutdown-probe"));

        await store.DisposeAsync(); // Stops the host and disposes its services; nothing may throw.
    }
}
