namespace Counter.Web.Sessions;

/// <summary>
/// Lets the requests of one session on this replica take their turn instead of racing: a burst of
/// parallel loads of one session then costs one store round trip each, and compare-and-set conflicts
/// come only from other replicas. Correctness never depends on it (the store's compare-and-set does
/// that), so a request that cannot get its turn within <see cref="MaxWait"/> goes ahead without it,
/// and the 503 bound of a slow store stays what it was.
/// Sessions map onto a fixed set of semaphores by their storage key: bounded memory, and two
/// sessions sharing one only wait for each other when both are busy at once.
/// </summary>
public sealed class SessionGate
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(0.5);

    private const int Stripes = 1024;
    private readonly SemaphoreSlim[] _turns = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Waits for this session's turn; dispose the answer to pass it on. Null when the wait ran out.</summary>
    public async ValueTask<Turn?> EnterAsync(string storageKey, CancellationToken cancellationToken)
    {
        var turn = _turns[(uint)string.GetHashCode(storageKey, StringComparison.Ordinal) % Stripes];
        return await turn.WaitAsync(MaxWait, cancellationToken) ? new Turn(turn) : null;
    }

    public sealed class Turn(SemaphoreSlim semaphore) : IDisposable
    {
        private SemaphoreSlim? _semaphore = semaphore;

        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}
