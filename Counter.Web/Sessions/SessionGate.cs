namespace Counter.Web.Sessions;

/// <summary>
/// Lets the requests of one session on this replica take their turn instead of racing: a burst of
/// parallel loads of one session then costs one store round trip each, and compare-and-set conflicts
/// come only from other replicas. Correctness never depends on it (the store's compare-and-set does
/// that). The wait is part of the request's deadline (<see cref="SessionOptions.RequestDeadline"/>):
/// behind a slow store the queue ends in 503s within the bound, not in an ever longer wait.
/// Sessions map onto a fixed set of semaphores by their storage key: bounded memory, and two
/// sessions sharing one only wait for each other when both are busy at once.
/// </summary>
public sealed class SessionGate
{
    private const int Stripes = 1024;
    private readonly SemaphoreSlim[] _turns = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for this session's turn until <paramref name="cancellationToken"/> (the deadline); dispose the answer to pass it on.</summary>
    public async ValueTask<Turn> EnterAsync(string storageKey, CancellationToken cancellationToken)
    {
        var turn = _turns[(uint)string.GetHashCode(storageKey, StringComparison.Ordinal) % Stripes];
        await turn.WaitAsync(cancellationToken);
        return new Turn(turn);
    }

    public sealed class Turn(SemaphoreSlim semaphore) : IDisposable
    {
        private SemaphoreSlim? _semaphore = semaphore;

        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}
