using System.Collections.Concurrent;
using Counter.Web.RateLimits;
using Microsoft.Extensions.Options;

namespace Counter.Web.Sessions;

/// <summary>
/// Lets the requests of one session on this replica take their turn instead of racing: a burst of
/// parallel loads of one session then costs one store round trip each, and compare-and-set conflicts
/// come only from other replicas. Correctness never depends on it (the store's compare-and-set does
/// that). The wait is part of the request's deadline (<see cref="SessionOptions.RequestDeadline"/>):
/// behind a slow store the queue ends in 503s within the bound, not in an ever longer wait.
///
/// Each session in use has a gate of its own, so one session's queue never delays another's
/// requests, and at most <see cref="SessionOptions.MaxWaitersPerSession"/> requests wait at one gate:
/// past that the request is refused at once (429), so many clients hammering one cookie cost a
/// bounded queue. A gate lives only while someone holds or waits for it: memory follows the sessions
/// busy right now, not every session ever seen.
/// </summary>
public sealed class SessionGate(IOptions<SessionOptions> options)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);
    private readonly int _maxWaiters = options.Value.MaxWaitersPerSession;

    /// <summary>Gates alive now (sessions with a request in or waiting).</summary>
    internal int ActiveGates => _gates.Count;

    /// <summary>
    /// Waits for this session's turn until <paramref name="cancellationToken"/> (the deadline); dispose
    /// the answer to pass it on. Throws <see cref="TooManyRequestsException"/> when the session's queue is full.
    /// </summary>
    public async ValueTask<Turn> EnterAsync(string storageKey, CancellationToken cancellationToken)
    {
        var gate = Join(storageKey);
        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(storageKey, gate);
            throw;
        }
        return new Turn(this, storageKey, gate);
    }

    /// <summary>Counts this request in at the session's gate (the one holding it, or one more waiter).</summary>
    private Gate Join(string storageKey)
    {
        while (true)
        {
            var gate = _gates.GetOrAdd(storageKey, static _ => new Gate());
            lock (gate)
            {
                if (gate.Retired)
                {
                    continue; // Its last user just left and removed it: take a fresh one.
                }
                if (gate.Users > _maxWaiters)
                {
                    throw new TooManyRequestsException($"{_maxWaiters} requests of this session are already waiting on this server.", RetryAfter);
                }
                gate.Users++;
                return gate;
            }
        }
    }

    private void Leave(string storageKey, Gate gate)
    {
        lock (gate)
        {
            if (--gate.Users == 0)
            {
                gate.Retired = true;
                _gates.TryRemove(KeyValuePair.Create(storageKey, gate));
            }
        }
    }

    internal sealed class Gate
    {
        public SemaphoreSlim Semaphore { get; } = new(1, 1);

        /// <summary>The request holding the turn plus those waiting for it; guarded by the gate's lock.</summary>
        public int Users { get; set; }

        /// <summary>Removed from the map; a request that still found it takes a new one.</summary>
        public bool Retired { get; set; }
    }

    public sealed class Turn : IDisposable
    {
        private readonly SessionGate _owner;
        private readonly string _storageKey;
        private Gate? _gate;

        internal Turn(SessionGate owner, string storageKey, Gate gate) => (_owner, _storageKey, _gate) = (owner, storageKey, gate);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _gate, null) is { } gate)
            {
                gate.Semaphore.Release();
                _owner.Leave(_storageKey, gate);
            }
        }
    }
}
