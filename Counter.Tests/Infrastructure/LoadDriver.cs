using System.Collections.Concurrent;
using System.Diagnostics;

namespace Counter.Tests.Infrastructure;

/// <summary>
/// Simulated users for the reliability scenarios: each has its own cookie jar and connection and
/// loads the counter page in a loop until stopped. Every answer is checked against what that user
/// has seen so far, so a lost or repeated write shows up at once:
///   - a 200 must show exactly the previous count + 1, or, after failures, a count in
///     [previous + 1, previous + 1 + failures] (a failed request may have saved before it failed,
///     e.g. when the process that answered died; that write was never acknowledged, so it may
///     count or not, but nothing acknowledged may disappear);
///   - a 503 is the expected answer to an outage and must come within <see cref="PageBound"/>;
///   - anything else (500, other statuses, a request that hangs past its timeout) is a violation.
/// A count above that range is a repeat, counted apart: HttpClient (like a browser) re-sends a GET
/// transparently when its kept-alive connection breaks before an answer, so a load that a dying
/// process saved but could not answer counts once more. That is at-least-once, not loss; only the
/// web-crash scenario may see it.
/// After a failure a user pauses 100 ms (a person pressing reload), so an outage does not become a
/// busy loop on 2 cores.
/// </summary>
public sealed class LoadDriver : IAsyncDisposable
{
    /// <summary>The longest a page may take to say the store is unavailable (see StoreOutageTests).</summary>
    public static readonly TimeSpan PageBound = TimeSpan.FromSeconds(2.5);

    private readonly User[] _users;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<double> _latenciesMs = new();
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly ConcurrentQueue<string> _repeats = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task[] _running = [];
    private long _slowest503Ticks;
    private bool _arrived;

    private LoadDriver(Uri web, int users)
    {
        _users = [.. Enumerable.Range(0, users).Select(i => new User(i, web))];
    }

    /// <summary>
    /// The users arrive (each loads the page until it has its session: a cold app's first burst
    /// is not what a scenario measures), then load it in a loop until stopped.
    /// </summary>
    public static async Task<LoadDriver> StartAsync(Uri web, int users)
    {
        var driver = new LoadDriver(web, users);
        using var arrival = TestTimeouts.After(TestTimeouts.Startup);
        await Task.WhenAll(driver._users.Select(u => driver.ArriveAsync(u, arrival.Token)));
        driver._arrived = true;
        driver._running = [.. driver._users.Select(u => Task.Run(() => driver.RunUserAsync(u)))];
        return driver;
    }

    public int Users => _users.Length;

    /// <summary>Successful page loads so far, across all users.</summary>
    public long Successes => _users.Sum(u => Volatile.Read(ref u.Ok));

    /// <summary>
    /// Stops the users, then (unless told otherwise: some users' data may be meant to stay out of
    /// reach) makes each load once more to check its session survived.
    /// </summary>
    public async Task<LoadResult> StopAsync(bool checkEveryUser = true)
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        var elapsed = _clock.Elapsed;
        var usersWhoFailed = _users.Count(u => u.Failed > 0);
        if (checkEveryUser)
        {
            await Task.WhenAll(_users.Select(FinalCheckAsync));
        }
        var latencies = _latenciesMs.Order().ToArray();
        return new LoadResult(
            Users: _users.Length,
            Elapsed: elapsed,
            Requests: _users.Sum(u => u.Ok + u.Failed),
            Successes: _users.Sum(u => u.Ok),
            Failures: new Dictionary<string, int>(_failures),
            Violations: [.. _violations],
            Repeats: [.. _repeats],
            P50Ms: Percentile(latencies, 0.50),
            P99Ms: Percentile(latencies, 0.99),
            Slowest503: TimeSpan.FromTicks(Interlocked.Read(ref _slowest503Ticks)),
            UsersWhoseCountIsTheirLoads: _users.Count(u => u.LastCount == u.Ok),
            UsersWhoFailed: usersWhoFailed);
    }

    private async Task ArriveAsync(User user, CancellationToken cancellationToken)
    {
        while (!await LoadOnceAsync(user))
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    private async Task RunUserAsync(User user)
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!await LoadOnceAsync(user))
            {
                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    /// <summary>One page load, checked. False when it failed (expectedly or not).</summary>
    private async Task<bool> LoadOnceAsync(User user)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await user.Http.GetAsync("/");
            var html = await response.Content.ReadAsStringAsync();
            var elapsed = Stopwatch.GetElapsedTime(started);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    _latenciesMs.Enqueue(elapsed.TotalMilliseconds);
                    Check(user, BrowserClient.ParseCount(html));
                    return true;
                case HttpStatusCode.ServiceUnavailable:
                    Fail(user, "503");
                    if (!_arrived)
                    {
                        return false;
                    }
                    InterlockedMax(ref _slowest503Ticks, elapsed.Ticks);
                    if (elapsed > PageBound)
                    {
                        _violations.Enqueue($"user {user.Index}: a 503 took {elapsed.TotalSeconds:F2} s");
                    }
                    return false;
                default:
                    Fail(user, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    _violations.Enqueue($"user {user.Index}: answered {(int)response.StatusCode}");
                    return false;
            }
        }
        catch (TaskCanceledException)
        {
            Fail(user, "timeout");
            _violations.Enqueue($"user {user.Index}: no answer within {user.Http.Timeout.TotalSeconds} s");
            return false;
        }
        catch (HttpRequestException ex)
        {
            // The connection broke (e.g. the replica it was on died): counted, not a violation by
            // itself; whether the session survived is what the next answer shows.
            Fail(user, "connection: " + (ex.HttpRequestError.ToString()));
            return false;
        }
    }

    private void Check(User user, int count)
    {
        var lowest = user.LastCount + 1;
        var highest = user.LastCount + 1 + user.FailuresSinceOk;
        if (count < lowest)
        {
            _violations.Enqueue($"user {user.Index}: count {count} after {user.LastCount}: an acknowledged load was lost");
        }
        else if (count > highest)
        {
            _repeats.Enqueue($"user {user.Index}: count {count} after {user.LastCount} with {user.FailuresSinceOk} failures seen");
        }
        user.LastCount = count;
        user.FailuresSinceOk = 0;
        Interlocked.Increment(ref user.Ok);
    }

    private void Fail(User user, string kind)
    {
        user.Failed++;
        user.FailuresSinceOk++;
        _failures.AddOrUpdate(kind, 1, (_, n) => n + 1);
    }

    /// <summary>After the run, every user's session must still be there and continue its count.</summary>
    private async Task FinalCheckAsync(User user)
    {
        for (var attempt = 0; attempt < 3 && !await LoadOnceAsync(user); attempt++)
        {
            await Task.Delay(500);
        }
        if (user.FailuresSinceOk > 0)
        {
            _violations.Enqueue($"user {user.Index}: could not load the page after the run");
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        long current;
        while (value > (current = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_running);
        }
        foreach (var user in _users)
        {
            user.Dispose();
        }
        _stop.Dispose();
    }

    private sealed class User(int index, Uri web) : IDisposable
    {
        public readonly int Index = index;

        // One connection per user, like a browser tab; a broken one is replaced on the next request.
        public readonly HttpClient Http = new(new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            UseCookies = true,
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = 1,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        })
        {
            BaseAddress = web,
            Timeout = TimeSpan.FromSeconds(10),
        };

        public int Ok;
        public int Failed;
        public int LastCount;
        public int FailuresSinceOk;

        public void Dispose() => Http.Dispose();
    }
}
