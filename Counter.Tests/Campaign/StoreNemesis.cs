using System.Diagnostics;
using System.Globalization;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Campaign;

/// <summary>
/// Injects a schedule's faults into the embedded store run as a real process, recording each in the
/// history: <c>kill</c> is SIGKILL, then a restart over the same data folder at the same address
/// (by <paramref name="restart"/>, which may also set the new process up); <c>pause</c> is SIGSTOP,
/// then SIGCONT; <c>clock-ahead</c> and <c>clock-behind</c> step the store's wall clock alone (its
/// test clock) by <see cref="NemesisSchedule.ClockStep"/>, then set it right. Every fault is healed
/// before the next one starts.
/// </summary>
public sealed class StoreNemesis(KvStoreProcess store, Func<Uri, Task<KvStoreProcess>> restart, HistoryRecorder history) : IAsyncDisposable
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
            long healed;
            switch (plan.Fault)
            {
                case "kill":
                    var url = Store.Url;
                    await Store.KillAsync();
                    await Store.DisposeAsync();
                    await Task.Delay(plan.Duration, CancellationToken.None);
                    healed = history.Now;
                    Store = await restart(url);
                    break;
                case "pause":
                    await Store.PauseAsync();
                    try
                    {
                        await Task.Delay(plan.Duration, CancellationToken.None);
                    }
                    finally
                    {
                        healed = history.Now;
                        await Store.ResumeAsync();
                    }
                    break;
                case "clock-ahead" or "clock-behind":
                    var step = plan.Fault == "clock-ahead" ? NemesisSchedule.ClockStep : -NemesisSchedule.ClockStep;
                    await StepClockAsync(Store, step);
                    await Task.Delay(plan.Duration, CancellationToken.None);
                    healed = history.Now;
                    await StepClockAsync(Store, TimeSpan.Zero);
                    break;
                default:
                    throw new InvalidOperationException($"Unknown fault '{plan.Fault}'.");
            }
            history.Record(new NemesisEvent { Fault = plan.Fault, Target = "kvstore", Start = start, Healed = healed, End = history.Now });
        }
    }

    /// <summary>
    /// Steps the store's wall clock alone (<c>stepSeconds</c>). A store whose hook predates
    /// <c>stepSeconds</c> refuses it (400); there <c>offsetSeconds</c> moved the wall clock alone, so that is sent.
    /// </summary>
    public static async Task StepClockAsync(KvStoreProcess store, TimeSpan step)
    {
        using var client = store.CreateClient();
        var seconds = step.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        using var response = await client.PostAsync($"/_testing/clock?stepSeconds={seconds}", null);
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            using var older = await client.PostAsync($"/_testing/clock?offsetSeconds={seconds}", null);
            older.EnsureSuccessStatusCode();
            return;
        }
        response.EnsureSuccessStatusCode();
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
