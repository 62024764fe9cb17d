using System.Diagnostics;
using System.Text;

namespace Counter.Tests.Campaign;

/// <summary>
/// Decides whether one key's operations are linearizable as a register with compare-and-set: the
/// memoised Wing-Gong search of Lowe's "Testing for linearizability", as Porcupine implements it.
/// </summary>
/// <remarks>
/// <para>The state is the value the key holds (0: absent). Every write writes a unique value, so a
/// version stands for the value the answers pair it with: <c>If-Match: vN</c> requires the state to be
/// the value seen with vN, and a version seen with two values (or a value with two versions) is an
/// anomaly on its own.</para>
/// <para>Operations are call and return entries in one list ordered by time. The search takes the
/// first call it can apply (the operation takes effect there), removes it with its return, and starts
/// again from the head; reaching a return entry means the operation it closes had to take effect
/// already, so it undoes the last choice. (the set of operations taken, state) pairs already explored
/// are memoised, which makes the search polynomial on most histories.</para>
/// <para><c>fail</c> operations had no effect and are left out. An <c>info</c> operation has no return
/// entry (its answer time is +∞): it may take effect at any point after its invocation where its
/// condition holds, or never (the search is done once every answered operation is placed; what is
/// left never took effect, or took effect after everything the history saw). An <c>info</c> write whose
/// value no answer ever shows is left out too: applying it can only block later operations, never
/// explain them.</para>
/// <para>Each value is written once, so once the key leaves a value it never holds it again: the
/// <c>info</c> operations that require that value are retired at that step, as if taken. Whether they
/// took effect then no longer changes what may follow, so the memo merges the two branches, and the
/// search does not step over them again. Without this, the retried writes of a failover (hundreds of
/// unknown deletes per key) kept the search from deciding.</para>
/// </remarks>
internal sealed class RegisterSearch
{
    private const int Absent = 0;
    private const int AnyState = -1;
    private const int AnyValue = -2;
    private const int NoState = -3;
    private const int Unchanged = -1;

    private readonly string _key;
    private readonly List<StoreOperation> _ops = [];
    private readonly List<int> _requires = [];
    private readonly List<int> _sets = [];
    private readonly List<string?> _values = [null];
    private readonly Dictionary<string, int> _valueIds = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _valueByVersion = [];

    private RegisterSearch(string key) => _key = key;

    public sealed record Result(Verdict Verdict, int Operations, long Steps, string? Explanation, IReadOnlyList<HistoryEvent> Involved);

    public static Result Check(string key, IReadOnlyList<StoreOperation> history, CheckBounds bounds)
    {
        var search = new RegisterSearch(key);
        return search.Prepare(history) ?? search.Run(bounds);
    }

    private Result? Prepare(IReadOnlyList<StoreOperation> history)
    {
        // Which value each version stands for, from every answer that paired them.
        var versionByValue = new Dictionary<string, (long Version, StoreOperation Source)>(StringComparer.Ordinal);
        var sourceByVersion = new Dictionary<long, StoreOperation>();
        foreach (var op in history)
        {
            var value = op.Outcome == Outcome.Ok && op.Kind == StoreOperationKind.Put ? op.Written : op.Observed;
            if (value is null || op.Version is not { } version || op.Outcome == Outcome.Info)
            {
                continue;
            }
            if (_valueByVersion.TryGetValue(version, out var known) && known != value)
            {
                return Reused($"version v{version} was answered with two values, '{known}' and '{value}': a compare-and-set against it cannot tell them apart",
                    [sourceByVersion[version], op]);
            }
            if (versionByValue.TryGetValue(value, out var seen) && seen.Version != version)
            {
                return Reused($"value '{value}' (written once) was answered with two versions, v{seen.Version} and v{version}", [seen.Source, op]);
            }
            _valueByVersion[version] = value;
            sourceByVersion[version] = op;
            versionByValue[value] = (version, op);
        }

        // Values some answer showed: read, or paired with a version (by a write's answer or a 412's).
        var shown = new HashSet<string>(_valueByVersion.Values, StringComparer.Ordinal);
        foreach (var op in history)
        {
            if (op.Outcome == Outcome.Ok && op.Observed is { } read)
            {
                shown.Add(read);
            }
        }
        var blindDeletes = history.Any(op => op.Outcome == Outcome.Ok && op.Kind == StoreOperationKind.Delete && op.Condition == Precondition.None);
        foreach (var op in history.OrderBy(op => op.Invoke).ThenBy(op => op.Id))
        {
            var included = op.Outcome switch
            {
                Outcome.Ok => true,
                Outcome.Info when op.Kind == StoreOperationKind.Delete => true,
                // An unseen info write could only matter to a delete that needs some value present.
                Outcome.Info when op.Kind == StoreOperationKind.Put => blindDeletes || shown.Contains(op.Written!),
                _ => false,
            };
            if (included)
            {
                Add(op);
            }
        }
        return null;

        Result Reused(string explanation, IReadOnlyList<HistoryEvent> involved) =>
            new(Verdict.NotLinearizable, history.Count, 0, explanation, involved);
    }

    private void Add(StoreOperation op)
    {
        var requires = op.Kind == StoreOperationKind.Read
            ? Id(op.Observed)
            : op.Condition switch
            {
                Precondition.IfNoneMatch => Absent,
                Precondition.IfMatch => op.IfMatch is { } version && _valueByVersion.TryGetValue(version, out var value) ? Id(value) : NoState,
                _ => op.Kind == StoreOperationKind.Delete ? AnyValue : AnyState,
            };
        var sets = op.Kind switch
        {
            StoreOperationKind.Read => Unchanged,
            StoreOperationKind.Put => Id(op.Written ?? throw new InvalidDataException($"Put #{op.Id} names no written value.")),
            _ => Absent,
        };
        _ops.Add(op);
        _requires.Add(requires);
        _sets.Add(sets);
    }

    private int Id(string? value)
    {
        if (value is null)
        {
            return Absent;
        }
        if (!_valueIds.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _values.Add(value);
            _valueIds[value] = id;
        }
        return id;
    }

    private bool Holds(int op, int state) => _requires[op] switch
    {
        AnyState => true,
        AnyValue => state != Absent,
        NoState => false,
        var required => state == required,
    };

    private bool TryStep(int op, int state, out int next)
    {
        // An unknown write is only taken where it changes something: leaving it out of the order
        // (never applied) explains whatever a no-op step would, and spares the search its branches.
        next = Holds(op, state) ? (_sets[op] == Unchanged ? state : _sets[op]) : state;
        return Holds(op, state);
    }

    private sealed class Entry(int op, bool isCall, long time)
    {
        public int Op { get; } = op;
        public bool IsCall { get; } = isCall;
        public long Time { get; } = time;
        public Entry? Prev { get; set; }
        public Entry? Next { get; set; }
        public Entry? Match { get; set; }
    }

    private Result Run(CheckBounds bounds)
    {
        var count = _ops.Count;
        var head = new Entry(-1, isCall: false, long.MinValue);
        var entries = new List<Entry>(count * 2);
        var remaining = 0;
        for (var i = 0; i < count; i++)
        {
            var call = new Entry(i, isCall: true, _ops[i].Invoke);
            entries.Add(call);
            if (_ops[i].Outcome != Outcome.Info)
            {
                var ret = new Entry(i, isCall: false, _ops[i].Return);
                call.Match = ret;
                entries.Add(ret);
                remaining++;
            }
        }
        // At equal times calls come first: such operations are taken as concurrent.
        entries.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.IsCall != b.IsCall ? (a.IsCall ? -1 : 1) : a.Op.CompareTo(b.Op));
        var last = head;
        foreach (var entry in entries)
        {
            last.Next = entry;
            entry.Prev = last;
            last = entry;
        }

        var zobrist = new ulong[count];
        var seed = 0x9E3779B97F4A7C15UL;
        for (var i = 0; i < count; i++)
        {
            zobrist[i] = SplitMix(ref seed);
        }
        var taken = new ulong[(count + 63) / 64];
        ulong takenHash = 0;
        var seen = new HashSet<Explored>();
        var calls = new Entry[count];
        for (var e = head.Next; e is not null; e = e.Next)
        {
            if (e.IsCall)
            {
                calls[e.Op] = e;
            }
        }
        // Unknown operations that require each value: once the key leaves a value it never holds it
        // again (each value is written once), so they are retired from the search at that step.
        var waiting = new Dictionary<int, List<int>>();
        for (var i = 0; i < count; i++)
        {
            if (_ops[i].Outcome == Outcome.Info && _requires[i] > Absent)
            {
                (waiting.TryGetValue(_requires[i], out var list) ? list : waiting[_requires[i]] = []).Add(i);
            }
        }
        var stack = new Stack<(Entry Call, int State, List<int>? Retired)>();
        var state = Absent;
        long steps = 0;
        var clock = Stopwatch.StartNew();
        var best = (Depth: -1, Order: Array.Empty<int>(), State: Absent, Blocked: -1);

        var cursor = head.Next;
        while (remaining > 0)
        {
            if (++steps > bounds.MaxSteps || ((steps & 0xFFF) == 0 && clock.Elapsed > bounds.MaxTime))
            {
                return new Result(Verdict.Unknown, count, steps,
                    $"the search stopped at its bound ({bounds.MaxSteps} steps or {bounds.MaxTime.TotalSeconds} s) before deciding; not a pass", []);
            }
            var entry = cursor ?? throw new InvalidOperationException("The search ran off its list with answered operations left.");
            if (entry.IsCall)
            {
                var op = entry.Op;
                if (TryStep(op, state, out var next))
                {
                    // Taken, and with it every unknown operation that needed the value the key leaves:
                    // where they stand (taken or never) no longer changes what may follow, so the
                    // memo treats both alike.
                    var retired = next != state && waiting.TryGetValue(state, out var needing)
                        ? needing.Where(other => other != op && (taken[other >> 6] & (1UL << (other & 63))) == 0).ToList()
                        : null;
                    var hash = takenHash ^ zobrist[op];
                    Mark(op);
                    foreach (var other in retired ?? [])
                    {
                        Mark(other);
                        hash ^= zobrist[other];
                    }
                    if (seen.Add(new Explored((ulong[])taken.Clone(), next, hash)))
                    {
                        stack.Push((entry, state, retired));
                        state = next;
                        takenHash = hash;
                        Lift(entry);
                        foreach (var other in retired ?? [])
                        {
                            Lift(calls[other]);
                        }
                        if (entry.Match is not null)
                        {
                            remaining--;
                        }
                        cursor = head.Next;
                        continue;
                    }
                    Clear(op);
                    foreach (var other in retired ?? [])
                    {
                        Clear(other);
                    }
                }
                cursor = entry.Next;
            }
            else
            {
                // The operation this return closes had to take effect by now, and nothing fits: undo the last choice.
                if (stack.Count > best.Depth)
                {
                    best = (stack.Count, stack.Select(s => s.Call.Op).Reverse().ToArray(), state, entry.Op);
                }
                if (stack.Count == 0)
                {
                    break;
                }
                var (call, previous, retired) = stack.Pop();
                state = previous;
                if (retired is not null)
                {
                    // Dancing links: put back in the reverse order they were lifted.
                    for (var i = retired.Count - 1; i >= 0; i--)
                    {
                        Clear(retired[i]);
                        takenHash ^= zobrist[retired[i]];
                        Unlift(calls[retired[i]]);
                    }
                }
                Clear(call.Op);
                takenHash ^= zobrist[call.Op];
                Unlift(call);
                if (call.Match is not null)
                {
                    remaining++;
                }
                cursor = call.Next;
            }
        }
        if (remaining == 0)
        {
            return new Result(Verdict.Linearizable, count, steps, null, []);
        }
        var (explanation, involved) = Explain(best.Order, best.State, best.Blocked);
        return new Result(Verdict.NotLinearizable, count, steps, explanation, involved);

        void Mark(int op) => taken[op >> 6] |= 1UL << (op & 63);

        void Clear(int op) => taken[op >> 6] &= ~(1UL << (op & 63));
    }

    private static void Lift(Entry call)
    {
        call.Prev!.Next = call.Next;
        call.Next?.Prev = call.Prev;
        if (call.Match is { } ret)
        {
            ret.Prev!.Next = ret.Next;
            ret.Next?.Prev = ret.Prev;
        }
    }

    private static void Unlift(Entry call)
    {
        if (call.Match is { } ret)
        {
            ret.Prev!.Next = ret;
            ret.Next?.Prev = ret;
        }
        call.Prev!.Next = call;
        call.Next?.Prev = call;
    }

    private static ulong SplitMix(ref ulong seed)
    {
        var z = seed += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private (string Explanation, IReadOnlyList<HistoryEvent> Involved) Explain(int[] order, int state, int blocked)
    {
        const int Shown = 8;
        var text = new StringBuilder();
        var involved = new List<HistoryEvent>();
        text.Append("no order of the ").Append(_ops.Count).Append(" operations on ").Append(_key)
            .AppendLine(" explains what the clients saw (fail operations left out; info ones may apply late or never).");
        text.Append("    The longest order that does explains ").Append(order.Length).Append(" of them");
        text.AppendLine(order.Length > Shown ? $"; its last {Shown}:" : order.Length > 0 ? ":" : ".");
        foreach (var op in order.Skip(Math.Max(0, order.Length - Shown)))
        {
            text.Append("      ").AppendLine(_ops[op].Describe());
            involved.Add(_ops[op]);
        }
        text.Append("    after which the key holds ").Append(Show(state)).AppendLine(".");
        var must = _ops[blocked];
        text.Append("    Then ").Append('#').Append(must.Id).Append(" had to take effect by ").Append(HistoryEvent.Seconds(must.Return))
            .AppendLine(", and no operation that may come next fits:");
        var placed = order.ToHashSet();
        var candidates = Enumerable.Range(0, _ops.Count)
            .Where(op => !placed.Contains(op) && _ops[op].Invoke <= must.Return)
            .OrderBy(op => op == blocked ? 0 : 1).ThenBy(op => _ops[op].Invoke)
            .Take(Shown);
        foreach (var op in candidates)
        {
            text.Append("      ").Append(_ops[op].Describe()).Append(": ").AppendLine(WhyNot(op, state));
            involved.Add(_ops[op]);
        }
        return (text.ToString().TrimEnd(), involved);
    }

    private string WhyNot(int op, int state)
    {
        var operation = _ops[op];
        if (TryStep(op, state, out _))
        {
            return "fits here, but every order that places it here fails later";
        }
        return _requires[op] switch
        {
            NoState => $"requires v{operation.IfMatch}, a version no answer paired with a value",
            AnyValue => "requires the key present, but it is absent",
            Absent when operation.Kind == StoreOperationKind.Read => $"read absent, but the key holds {Show(state)}",
            Absent => $"requires the key absent, but it holds {Show(state)}",
            var required when operation.Kind == StoreOperationKind.Read =>
                $"read {Show(required)}, but the key holds {Show(state)}" + (WrittenBy(required) ? "" : " (and no operation ever wrote that value)"),
            var required => $"requires v{operation.IfMatch} ({Show(required)}), but the key holds {Show(state)}",
        };
    }

    private bool WrittenBy(int value) => _sets.Contains(value);

    private string Show(int state) => state == Absent ? "nothing (absent)" : $"'{_values[state]}'";

    /// <summary>A point of the search already explored: which operations were taken, and the state they left.</summary>
    private readonly struct Explored(ulong[] taken, int state, ulong hash) : IEquatable<Explored>
    {
        private readonly ulong[] _taken = taken;
        private readonly int _state = state;
        private readonly ulong _hash = hash;

        public bool Equals(Explored other) =>
            _state == other._state && _hash == other._hash && _taken.AsSpan().SequenceEqual(other._taken);

        public override bool Equals(object? obj) => obj is Explored other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(_hash, _state);
    }
}
