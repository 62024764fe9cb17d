using System.Diagnostics;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Campaign;

/// <summary>
/// Injects a schedule's faults into the embedded store run as a real process, recording each in the
/// history: <c>kill</c> is SIGKILL, then a restart over the same data folder at the same address;
/// <c>pause</c> is SIGSTOP, then SIGCONT. Every fault is healed before the next one starts.
/// </summary>
public sealed class StoreNemesis(string dataPath, KvStoreProcess store, HistoryRecorder history) : IAsyncDisposable
{
    public KvStoreProcess Store { get; private set; } = store;

    public async Task RunAsync(IReadOnlyList<FaultPlan> schedule, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        foreach (var plan in schedule)
        {
            var wait = plan.At - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            if (stop.IsCancellationRequested)
            {
                return;
            }
            var start = history.Now;
            if (plan.Fault == "kill")
            {
                var url = Store.Url;
                await Store.KillAsync();
                await Store.DisposeAsync();
                await Task.Delay(plan.Duration, CancellationToken.None);
                Store = await KvStoreProcess.StartAsync(dataPath, url: url);
            }
            else
            {
                await Store.PauseAsync();
                try
                {
                    await Task.Delay(plan.Duration, CancellationToken.None);
                }
                finally
                {
                    await Store.ResumeAsync();
                }
            }
            history.Record(new NemesisEvent { Fault = plan.Fault, Target = "kvstore", Start = start, End = history.Now });
        }
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
