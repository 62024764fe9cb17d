using System.Globalization;
using Counter.Tests.Infrastructure;

namespace Counter.Tests.Campaign;

/// <summary>
/// A browser's session in the campaign: several loaders share one cookie jar (the page's tabs), so
/// loads of one session are in flight together and land on any web replica; now and then one of
/// them presses Reset. Every load and reset is recorded with its outcome: a page showing its count is
/// <c>ok</c>; a 429 (refused before any session work) is <c>fail</c>; a 503, a timeout or a broken
/// connection is <c>info</c>, since web may have saved the increment before it gave up. A request
/// the client sent again by itself after its connection broke (<see cref="SendCounter"/>) is recorded
/// with one more <c>info</c> operation per earlier send, over the same interval: that send may have
/// been applied too.
/// </summary>
public sealed class PageClient : IDisposable
{
    private readonly BrowserClient _browser;
    private readonly HistoryRecorder _history;
    private readonly string _session;
    private readonly int _loaders;
    // Loads share the session (a slot each); a reset, and the load that starts the next session, go
    // alone (every slot), so that the loaders never start two sessions under one label at once.
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _alone = new(1, 1);
    private readonly SendCounter _sends = new();

    public PageClient(Uri web, string session, int loaders, HistoryRecorder history)
    {
        _browser = new BrowserClient(web, _sends.CreateHandler());
        _session = session;
        _loaders = loaders;
        _slots = new SemaphoreSlim(loaders, loaders);
        _history = history;
    }

    /// <summary>
    /// Starts the session with a load on its own (without a cookie, concurrent first loads would start
    /// several), again until one is acknowledged, so the cookie jar holds the session.
    /// </summary>
    public async Task<bool> StartAsync(int process, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (await RecordAsync(process, PageOperationKind.Load, LoadAsync))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>One loader: loads, with a reset about one time in <paramref name="resetOneIn"/>, until <paramref name="stop"/>.</summary>
    public async Task RunAsync(int process, Random random, int resetOneIn, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (random.Next(resetOneIn) == 0)
            {
                await ResetAloneAsync(process, stop);
                continue;
            }
            await _slots.WaitAsync(CancellationToken.None);
            try
            {
                await RecordAsync(process, PageOperationKind.Load, LoadAsync);
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    /// <summary>A reset with every slot taken, then the load that starts the next session (a reset whose outcome is unknown may have happened too).</summary>
    private async Task ResetAloneAsync(int process, CancellationToken stop)
    {
        await _alone.WaitAsync(CancellationToken.None);
        for (var taken = 0; taken < _loaders; taken++)
        {
            await _slots.WaitAsync(CancellationToken.None);
        }
        try
        {
            await RecordAsync(process, PageOperationKind.Reset, ResetAsync);
            await StartAsync(process, stop);
        }
        finally
        {
            _slots.Release(_loaders);
            _alone.Release();
        }
    }

    private async Task<(Outcome Outcome, int? Count, string Note)> LoadAsync(long id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add(SendCounter.Header, id.ToString(CultureInfo.InvariantCulture));
        using var response = await _browser.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();
        return (int)response.StatusCode switch
        {
            200 => (Outcome.Ok, BrowserClient.ParseCount(html), ""),
            429 => (Outcome.Fail, null, "429"),
            var status => (Outcome.Info, null, status.ToString(CultureInfo.InvariantCulture)),
        };
    }

    private async Task<(Outcome Outcome, int? Count, string Note)> ResetAsync(long id)
    {
        using var response = await _browser.ResetAsync(new Dictionary<string, string>
        {
            ["Sec-Fetch-Site"] = "same-origin",
            ["Origin"] = _browser.BaseAddress.GetLeftPart(UriPartial.Authority),
            [SendCounter.Header] = id.ToString(CultureInfo.InvariantCulture),
        });
        return (int)response.StatusCode switch
        {
            302 or 303 => (Outcome.Ok, null, ""),
            429 => (Outcome.Fail, null, "429"),
            var status => (Outcome.Info, null, status.ToString(CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>Runs one request and records it; true when it was acknowledged.</summary>
    private async Task<bool> RecordAsync(int process, PageOperationKind kind, Func<long, Task<(Outcome Outcome, int? Count, string Note)>> send)
    {
        var id = _history.NextId();
        var invoke = _history.Now;
        (Outcome Outcome, int? Count, string Note) answer;
        try
        {
            answer = await send(id);
        }
        catch (HttpRequestException e)
        {
            answer = (Outcome.Info, null, e.HttpRequestError.ToString());
        }
        catch (TaskCanceledException)
        {
            answer = (Outcome.Info, null, "timeout");
        }
        var returned = _history.Now;
        _history.Record(new PageOperation
        {
            Id = id,
            Process = process,
            Session = _session,
            Kind = kind,
            Invoke = invoke,
            Return = returned,
            Outcome = answer.Outcome,
            Count = answer.Count,
            Note = answer.Note,
        });
        for (var earlier = _sends.Take(id) - 1; earlier > 0; earlier--)
        {
            _history.Record(new PageOperation
            {
                Id = _history.NextId(),
                Process = process,
                Session = _session,
                Kind = kind,
                Invoke = invoke,
                Return = returned,
                Outcome = Outcome.Info,
                Note = $"an earlier send of #{id}, sent again by the client after its connection broke",
            });
        }
        return answer.Outcome == Outcome.Ok;
    }

    public void Dispose()
    {
        _browser.Dispose();
        _slots.Dispose();
        _alone.Dispose();
    }
}
