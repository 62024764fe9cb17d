using Counter.Web.RateLimits;
using Counter.Web.Sessions;
using Microsoft.Extensions.Options;

namespace Counter.Tests.Sessions;

/// <summary>
/// The per-session gate: one session's queue never delays another session (each has its own gate,
/// no shared stripes), a full queue refuses the next request at once (429), and gates live only while
/// in use.
/// </summary>
[Trait("Category", "Unit")]
public sealed class SessionGateTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ABusySessionNeverDelaysAnotherOne()
    {
        var gate = new SessionGate(Options.Create(new SessionOptions()));
        using var held = await gate.EnterAsync("session:busy", CancellationToken.None);
        var waiting = Enumerable.Range(0, 100).Select(_ => gate.EnterAsync("session:busy", CancellationToken.None).AsTask()).ToList();

        // Ten thousand other sessions: with any sharing of locks between sessions, some would wait here.
        for (var i = 0; i < 10_000; i++)
        {
            var entered = gate.EnterAsync($"session:other-{i}", CancellationToken.None).AsTask();
            Assert.True(entered.IsCompletedSuccessfully, $"Session other-{i} waited behind another session.");
            (await entered).Dispose();
        }

        Assert.All(waiting, w => Assert.False(w.IsCompleted));
        held.Dispose();
        foreach (var turn in waiting)
        {
            (await turn.WaitAsync(Bound)).Dispose(); // Each in turn.
        }
        Assert.Equal(0, gate.ActiveGates);
    }

    [Fact]
    public async Task AFullQueueRefusesTheNextRequestAtOnceAndOnlyForThatSession()
    {
        var gate = new SessionGate(Options.Create(new SessionOptions { MaxWaitersPerSession = 3 }));
        using var held = await gate.EnterAsync("session:hammered", CancellationToken.None);
        var waiting = Enumerable.Range(0, 3).Select(_ => gate.EnterAsync("session:hammered", CancellationToken.None).AsTask()).ToList();

        var refused = await Assert.ThrowsAsync<TooManyRequestsException>(() => gate.EnterAsync("session:hammered", CancellationToken.None).AsTask());
        Assert.Contains("3 requests of this session are already waiting", refused.Message, StringComparison.Ordinal);
        using (await gate.EnterAsync("session:calm", CancellationToken.None).AsTask().WaitAsync(Bound))
        {
            // Another session is not affected.
        }

        held.Dispose();
        foreach (var turn in waiting)
        {
            (await turn.WaitAsync(Bound)).Dispose();
        }
        Assert.Equal(0, gate.ActiveGates);
    }

    [Fact]
    public async Task AWaiterWhoseDeadlinePassesLeavesTheQueue()
    {
        var gate = new SessionGate(Options.Create(new SessionOptions { MaxWaitersPerSession = 1 }));
        var held = await gate.EnterAsync("session:slow", CancellationToken.None);
        using var deadline = new CancellationTokenSource();
        var waiter = gate.EnterAsync("session:slow", deadline.Token).AsTask();

        await deadline.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitAsync(Bound));
        using (var next = gate.EnterAsync("session:slow", CancellationToken.None).AsTask()) // Its place is free again.
        {
            held.Dispose();
            (await next.WaitAsync(Bound)).Dispose();
        }
        Assert.Equal(0, gate.ActiveGates);
    }
}
