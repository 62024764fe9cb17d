using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Counter.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Counter.Tests.Campaign;

/// <summary>
/// Injects a seeded schedule's faults into the whole app started through Aspire (the page campaign),
/// one at a time, each healed before the next starts and recorded in the history:
/// <c>web-kill</c> is kill -9 of one web replica, then, after the planned down time, the replica is
/// started again by Aspire's start command on that replica alone; <c>kill</c> does the same to the
/// store; <c>web-pause</c> and <c>pause</c> are SIGSTOP of a web replica or of the store, then SIGCONT;
/// <c>slow-store</c> delays every store call (the store's test hook) for the planned time.
/// </summary>
public sealed class PageNemesis(CounterAppFixture app, HistoryRecorder history, Random targets)
{
    public const string WebKill = "web-kill";
    public const string StoreKill = "kill";
    public const string WebPause = "web-pause";
    public const string StorePause = "pause";
    public const string SlowStore = "slow-store";

    /// <summary>Every kind of fault, in the order the schedule's first round draws from.</summary>
    public static readonly IReadOnlyList<string> Kinds = [WebKill, StoreKill, WebPause, StorePause, SlowStore];

    /// <summary>
    /// Every kind once, in an order drawn from the seed (so that every run, however short, meets each),
    /// then kinds at random while they fit in <paramref name="length"/>; 1.5-3 s apart. A kill keeps its
    /// process down 0-1 s; a pause lasts 0.1-10 s (past web's store deadlines and its page budget at the
    /// upper end); a slow store lasts 1-3 s. Restarts take seconds more, so the nemesis starts each fault
    /// at its offset or once the last is healed, whichever is later.
    /// </summary>
    public static List<FaultPlan> Schedule(int seed, TimeSpan length)
    {
        var random = new Random(seed);
        var plans = new List<FaultPlan>();
        var at = TimeSpan.Zero;
        foreach (var fault in Kinds.OrderBy(_ => random.Next()).ToList())
        {
            at += Gap(random);
            plans.Add(new FaultPlan(at, fault, Duration(random, fault)));
            at += plans[^1].Duration;
        }
        while (true)
        {
            at += Gap(random);
            var fault = Kinds[random.Next(Kinds.Count)];
            var duration = Duration(random, fault);
            if (at + duration >= length)
            {
                return plans;
            }
            plans.Add(new FaultPlan(at, fault, duration));
            at += duration;
        }

        static TimeSpan Gap(Random random) => TimeSpan.FromSeconds(1.5 + (random.NextDouble() * 1.5));

        static TimeSpan Duration(Random random, string fault) => TimeSpan.FromSeconds(fault switch
        {
            WebKill or StoreKill => random.NextDouble(),
            WebPause or StorePause => 0.1 + (random.NextDouble() * 9.9),
            _ => 1 + (random.NextDouble() * 2),
        });
    }

    /// <summary>
    /// Runs the schedule. Once <paramref name="stop"/> is signalled it starts no fault beyond the first
    /// round (one of each kind), so every run meets each kind; a fault under way is always healed.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<FaultPlan> schedule, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < schedule.Count; i++)
        {
            var plan = schedule[i];
            var firstRound = i < Kinds.Count;
            var wait = plan.At - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, firstRound ? CancellationToken.None : stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            if (!firstRound && stop.IsCancellationRequested)
            {
                return;
            }
            var start = history.Now;
            var (target, healed) = plan.Fault switch
            {
                WebKill => await KillAsync("web", plan.Duration),
                StoreKill => await KillAsync("kvstore", plan.Duration),
                WebPause => await PauseAsync("web", plan.Duration),
                StorePause => await PauseAsync("kvstore", plan.Duration),
                SlowStore => await SlowStoreAsync(plan.Duration),
                _ => throw new InvalidOperationException($"Unknown fault '{plan.Fault}'."),
            };
            history.Record(new NemesisEvent { Fault = plan.Fault, Target = target, Start = start, Healed = healed, End = history.Now });
        }
    }

    /// <summary>One replica of <paramref name="resource"/> chosen from the seed, every replica answering.</summary>
    private async Task<int> ChooseAsync(string resource)
    {
        var pids = (await app.ProcessIdsAsync(resource)).Order().ToList();
        return pids[targets.Next(pids.Count)];
    }

    /// <summary>
    /// kill -9 of one replica; once Aspire has seen it exit and the down time has passed, the start
    /// command on that replica alone (the resource's name would be ambiguous with replicas), then
    /// waits until it is healthy. The fault is in force until the start command.
    /// </summary>
    private async Task<(string Target, long Healed)> KillAsync(string resource, TimeSpan down)
    {
        var notifications = app.App.ResourceNotifications;
        var pid = await ChooseAsync(resource);
        await Signals.SendAsync(pid, "KILL");
        var exited = await notifications.WaitForResourceAsync(resource, update => update.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state))
            .WaitAsync(TestTimeouts.Startup);
        await Task.Delay(down);
        var healed = history.Now;
        var commands = app.App.Services.GetRequiredService<ResourceCommandService>();
        var started = await commands.ExecuteCommandAsync(exited.ResourceId, KnownResourceCommands.StartCommand);
        if (!started.Success)
        {
            throw new InvalidOperationException($"Aspire did not start {exited.ResourceId} again: {started.Message}");
        }
        await notifications.WaitForResourceAsync(resource, update => update.ResourceId == exited.ResourceId
                && update.Snapshot.State?.Text == KnownResourceStates.Running && update.Snapshot.HealthStatus == HealthStatus.Healthy)
            .WaitAsync(TestTimeouts.Startup);
        return ($"{exited.ResourceId} (pid {pid})", healed);
    }

    private async Task<(string Target, long Healed)> PauseAsync(string resource, TimeSpan duration)
    {
        var pid = await ChooseAsync(resource);
        await Signals.SendAsync(pid, "STOP");
        long healed;
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            healed = history.Now;
            await Signals.SendAsync(pid, "CONT");
        }
        return ($"{resource} (pid {pid})", healed);
    }

    /// <summary>Every store call delayed by 0.3-3 s (drawn from the seed), past web's per-call budget and its page deadline at the upper end.</summary>
    private async Task<(string Target, long Healed)> SlowStoreAsync(TimeSpan duration)
    {
        var delay = TimeSpan.FromMilliseconds(targets.Next(300, 3000));
        await app.SetStoreDelayAsync(delay);
        long healed;
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            healed = history.Now;
            await app.SetStoreDelayAsync(TimeSpan.Zero);
        }
        return ($"kvstore ({delay.TotalMilliseconds:F0} ms a call)", healed);
    }
}
