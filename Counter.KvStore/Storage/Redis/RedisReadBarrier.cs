using System.Net;
using StackExchange.Redis;

namespace Counter.KvStore.Storage.Redis;

/// <summary>
/// The replica barrier that reads share, one chain per primary. A barrier is a write of a few bytes
/// to a barrier key on that primary and a WAIT, sent on the primary's one connection; commands on a
/// connection run in order, so a barrier sent after a read covers everything the primary had applied
/// when it served the read. At most one barrier per primary is in flight: the reads that ask while one
/// is all wait for the next, sent when it returns (group commit for reads), so under load a replica
/// round trip confirms many reads, and a WAIT, which holds up the connection's other commands until
/// the replicas answer, is not sent once per read.
/// </summary>
internal sealed class RedisReadBarrier(int replicas, int waitMs, CommandFlags flags)
{
    private readonly Dictionary<EndPoint, Chain> _chains = [];

    /// <summary>
    /// True once a barrier sent after this call has been confirmed by the replicas; false when it fell
    /// short or failed. <paramref name="barrierKey"/> must be on <paramref name="server"/> (the read's slot).
    /// </summary>
    public Task<bool> AfterAsync(IServer server, string barrierKey)
    {
        Chain chain;
        lock (_chains)
        {
            if (!_chains.TryGetValue(server.EndPoint, out chain!))
            {
                _chains[server.EndPoint] = chain = new Chain();
            }
        }
        Barrier? sendNow = null;
        Task<bool> confirmed;
        lock (chain)
        {
            if (chain.InFlight)
            {
                chain.Next ??= new Barrier(barrierKey);
                confirmed = chain.Next.Confirmed.Task;
            }
            else
            {
                chain.InFlight = true;
                sendNow = new Barrier(barrierKey);
                confirmed = sendNow.Confirmed.Task;
            }
        }
        if (sendNow is not null)
        {
            _ = SendAsync(server, chain, sendNow);
        }
        return confirmed;
    }

    /// <summary>Sends barriers until none is waiting: each one's outcome completes its reads, then the next is sent.</summary>
    private async Task SendAsync(IServer server, Chain chain, Barrier barrier)
    {
        for (Barrier? current = barrier; current is not null;)
        {
            // Whatever happens to one barrier, its reads get an answer and the chain moves on: a chain
            // left "in flight" would hold every later read of this primary.
            bool confirmed;
            try
            {
                confirmed = await ConfirmAsync(server, current.Key);
            }
#pragma warning disable CA1031 // Any failure means "not confirmed"; the read then answers 503.
            catch (Exception)
#pragma warning restore CA1031
            {
                confirmed = false;
            }
            current.Confirmed.SetResult(confirmed);
            lock (chain)
            {
                current = chain.Next;
                chain.Next = null;
                chain.InFlight = current is not null;
            }
        }
    }

    /// <summary>The barrier itself; a failure is caught by <see cref="SendAsync"/>, which answers its reads "not confirmed".</summary>
    private async Task<bool> ConfirmAsync(IServer server, string barrierKey)
    {
        var write = server.ExecuteAsync("SET", [barrierKey, "1", "PX", "60000"], flags);
        var wait = server.ExecuteAsync("WAIT", [replicas, waitMs], flags);
        await write;
        return (long)await wait >= replicas;
    }

    private sealed class Chain
    {
        public bool InFlight { get; set; }

        public Barrier? Next { get; set; }
    }

    private sealed class Barrier(string key)
    {
        public string Key { get; } = key;

        public TaskCompletionSource<bool> Confirmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
