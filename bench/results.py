#!/usr/bin/env python3
"""The benchmark's results as data: the bench scripts append one JSON object per line to a results
file (wrk runs through bench/result.lua, other figures through `add`), and this reads them back,
computes the medians and ratios, and prints each script's tables.

    results.py add FILE key=value ... [key:=JSON] [--process name=pid[,pid...]]
    results.py summary FILE        # run.sh's figures as JSON: per target, per KV row, per store size
    results.py render FILE         # run.sh's Markdown (bench/latest.md is this of bench/latest.jsonl)
    results.py ab FILE [--round N | --totals]
    results.py stalls FILE
    results.py tail FILE           # tail.sh: where the slowest pages spent their time (Server-Timing)
    results.py timeline FILE       # run.sh with TIMELINE=1: when each round's slowest pages came
    results.py capacity FILE
    results.py profile FILE

A record's `kind` says what it measured; a wrk run with round 0 is a warm-up, which no table counts.
"""
import argparse
import datetime
import json
import statistics
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def measured(records, kind):
    return [r for r in records if r.get("kind") == kind and r.get("round", 1) != 0]


def one(records, kind):
    found = [r for r in records if r.get("kind") == kind]
    if not found:
        sys.exit(f"no {kind} record in the results")
    return found[-1]


def errors(run):
    """Socket errors (connect, read, write, timeout) and responses of 400 and above."""
    e = run["errors"]
    return e["connect"] + e["read"] + e["write"] + e["timeout"], e["status"]


def mib(kib):
    return round(kib / 1024)


def peak_kib(records, pids):
    """The highest peak RSS any record saw for these pids (VmHWM only grows, so: the last one)."""
    return max(p["peak_rss_kib"] for r in records for p in r.get("processes", {}).values()
               if p["pids"] == pids and p.get("peak_rss_kib") is not None)


def cpu_us_per_request(runs, process):
    return round(sum(r["processes"][process]["cpu_ms"] for r in runs) * 1000 / sum(r["requests"] for r in runs))


# run.sh

def summary(records):
    meta = one(records, "run")
    rounds = meta["rounds"]
    pages = []
    by_target = {}
    for r in measured(records, "page"):
        by_target.setdefault(r["target"], []).append(r)
    for target, runs in by_target.items():
        names = list(runs[0]["processes"])
        cpu = {name: cpu_us_per_request(runs, name) for name in names}
        pages.append({
            "target": target,
            "label": runs[0]["label"],
            "rounds": len(runs),
            "requests_per_second": round(statistics.fmean(r["requests_per_second"] for r in runs)),
            "p50_ms": statistics.median(r["latency_ms"]["p50"] for r in runs),
            "p90_ms": statistics.median(r["latency_ms"]["p90"] for r in runs),
            "p99_ms": [r["latency_ms"]["p99"] for r in runs],
            "cpu_us_per_page": {"total": sum(cpu.values()), **cpu},
            "errors": sum(sum(errors(r)) for r in runs),
            "cpu_idle_share": statistics.median(r["cpu_idle_share"] for r in runs) if all("cpu_idle_share" in r for r in runs) else None,
            "cpu_elsewhere_share": statistics.median(r["cpu_elsewhere_share"] for r in runs) if all("cpu_elsewhere_share" in r for r in runs) else None,
            "peak_rss_mib": {name: mib(peak_kib(records, runs[0]["processes"][name]["pids"])) for name in names},
        })
    result = {"date": meta["time"][:10], "cores": meta["cores"], "users": meta["users"],
              "seconds": meta["seconds"], "rounds": rounds, "pages": pages, "pacing": pacing(measured(records, "page"))}
    base = next((p for p in pages if p["target"] == meta["baseline"]), None)
    for p in pages:
        p["vs_baseline"] = p["requests_per_second"] / base["requests_per_second"] if base else None
    compared = [p for c in meta["compared"].split(",") for p in pages if p["target"] == c]
    if base and compared:
        result["p99_at_or_below_baseline"] = [{
            "target": c["target"], "label": c["label"], "baseline": base["target"], "of": rounds,
            "rounds": sum(1 for s, b in zip(c["p99_ms"], base["p99_ms"]) if s <= b)} for c in compared]
    result["kv"] = [{"backend": r["backend"], "operation": r["operation"], "requests_per_second": round(r["requests_per_second"]),
                     "p50_ms": r["latency_ms"]["p50"], "p99_ms": r["latency_ms"]["p99"],
                     "errors": dict(zip(("socket", "status"), errors(r)))} for r in measured(records, "kv")]
    result["sessions"] = [{"sessions": r["sessions"], "p50_ms": r["latency_ms"]["p50"], "p99_ms": r["latency_ms"]["p99"],
                           "requests_per_second": round(r["requests_per_second"]),
                           "store_rss_mib": mib(r["processes"]["store"]["rss_kib"]),
                           "disk_bytes_per_session": r["disk_bytes"] // r["sessions"]} for r in measured(records, "sessions")]
    dumps = [r for r in records if r.get("kind") == "dump"]
    if dumps:
        d = dumps[-1]
        result["dump"] = {"lines": d["lines"], "ms": d["ms"], "client_peak_mib": d["client_peak_kib"] // 1024,
                          "store_peak_mib": mib(d["processes"]["store"]["peak_rss_kib"])}
    return result


def pacing(runs):
    """The header's words for a paced load (THINK_MS, bench/session.lua), else none."""
    think = {r["think_ms"] for r in runs if "think_ms" in r}
    return f", each user thinking {'/'.join(f'{t:g}' for t in sorted(think))} ms between pages on average" if think else ""


def render(s):
    out = []
    if s["pages"]:
        out += ["", f"### Page throughput ({s['date']}, {s['cores']} cores, {s['users']} users{s.get('pacing', '')}, wrk, {s['seconds']}s x {s['rounds']})", "",
                "| target | requests/s | vs baseline | p50 ms (median of rounds) | p90 ms (median of rounds) | p99 ms (each round) "
                "| CPU µs per page (per process) | cores idle / busy elsewhere (median of rounds) | errors | peak RSS MiB (per process) |",
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for p in s["pages"]:
            cpu = " + ".join(f"{name} {us}" for name, us in p["cpu_us_per_page"].items() if name != "total")
            peaks = " + ".join(f"{name} {m}" for name, m in p["peak_rss_mib"].items())
            idle = " / ".join("–" if p.get(k) is None else f"{p[k]:.0%}" for k in ("cpu_idle_share", "cpu_elsewhere_share"))
            out.append(f"| {p['label']} | {p['requests_per_second']} | {p['vs_baseline']:.2f} | {p['p50_ms']:.2f} | {p['p90_ms']:.2f} "
                       f"| {' / '.join(f'{v:.2f}' for v in p['p99_ms'])} | {p['cpu_us_per_page']['total']} ({cpu}) | {idle} | {p['errors']} | {peaks} |")
        if s.get("p99_at_or_below_baseline"):
            out.append("")
            out += [f"p99 at or below the baseline's in the same round, {w['label']}: {w['rounds']} of {w['of']} rounds."
                    for w in s["p99_at_or_below_baseline"]]
    if s["kv"]:
        out += ["", "### KV store API, one session-sized key (2 wrk threads, 32 connections)", "",
                "| backend | operation | requests/s | p50 ms | p99 ms | errors |", "| --- | --- | ---: | ---: | ---: | ---: |"]
        out += [f"| {k['backend']} | {k['operation']} | {k['requests_per_second']} | {k['p50_ms']:.2f} | {k['p99_ms']:.2f} "
                f"| {k['errors']['socket']}+{k['errors']['status']} |" for k in s["kv"]]
    if s["sessions"]:
        out += ["", "### Embedded store with many live sessions", "",
                "| live sessions | GET p50 ms | GET p99 ms | GET requests/s | store RSS MB | bytes on disk per session (value is 77 B) |",
                "| ---: | ---: | ---: | ---: | ---: | ---: |"]
        out += [f"| {n['sessions']} | {n['p50_ms']:.2f} | {n['p99_ms']:.2f} | {n['requests_per_second']} | {n['store_rss_mib']} "
                f"| {n['disk_bytes_per_session']} |" for n in s["sessions"]]
    if "dump" in s:
        d = s["dump"]
        out += ["", f"Dump of {d['lines']} sessions: {d['ms']} ms, dump client peak {d['client_peak_mib']} MB, store peak RSS {d['store_peak_mib']} MB."]
    return out


# ab.sh

def ab(records, round_number=None, totals=False):
    runs = measured(records, "ab")
    rounds = sorted({r["round"] for r in runs})
    out = []
    ratios = []
    for i in rounds:
        a, b = (next(r for r in runs if r["round"] == i and r["side"] == side) for side in "AB")
        ratio = b["requests_per_second"] / a["requests_per_second"]
        ratios.append(ratio)
        if round_number in (None, i) and not totals:
            def side(r):
                return (f"{round(r['requests_per_second'])} pages/s, web {cpu_us_per_request([r], 'web')} µs, "
                        f"store {cpu_us_per_request([r], 'store')} µs, p99 {r['latency_ms']['p99']:.2f} ms")
            out.append(f"round {i}  A: {side(a)} | B: {side(b)} | B/A {ratio:.3f}")
    if round_number is None or totals:
        def peaks(side):
            last = [r for r in runs if r["side"] == side][-1]["processes"]
            return f"web {mib(peak_kib(records, last['web']['pids']))}, store {mib(peak_kib(records, last['store']['pids']))}"
        out += [f"peak MB  A: {peaks('A')} | B: {peaks('B')}", f"mean B/A: {statistics.fmean(ratios):.3f}"]
    return out


# stalls.sh

def stalls(records):
    out = ["| slice | pages/s | p50 ms | p99 ms |", "| ---: | ---: | ---: | ---: |"]
    out += [f"| {r['slice']} | {round(r['requests_per_second'])} | {r['latency_ms']['p50']:.2f} | {r['latency_ms']['p99']:.2f} |"
            for r in measured(records, "slice")]
    return out


# tail.sh

# A page's wall time (web's "app" stage) split into parts that do not overlap, from its Server-Timing.
TAIL_PARTS = [
    ("web outside the session work (middleware, page, thread-pool hops)", lambda t: t["app"] - t["session-load"] - t["session-save"]),
    ("session layer around its store calls", lambda t: t["session-load"] + t["session-save"] - t["save-queue"] - t["kvstore"]),
    ("save queued in web for a batch (coalescer)", lambda t: t["save-queue"]),
    ("between web and the store (HTTP client, loopback, Kestrel, wake-ups)", lambda t: t["kvstore"] - t["store-app"]),
    ("store's HTTP layer (routing, credential, JSON)", lambda t: t["store-app"] - t["store-storage"]),
    ("writer queue", lambda t: t["store-queue"]),
    ("applying the batch", lambda t: t["store-apply"]),
    ("commit (WAL write + fsync)", lambda t: t["store-commit"]),
    ("storage after the commit (Redis round trips; for SQLite the wake-up)",
     lambda t: t["store-storage"] - t["store-queue"] - t["store-apply"] - t["store-commit"]),
]


def timings(path):
    pages = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            t = {}
            for metric in line.split(","):
                name, _, duration = metric.strip().partition(";dur=")
                if duration:
                    t[name] = t.get(name, 0.0) + float(duration)
            if "app" in t:
                pages.append({name: t.get(name, 0.0) for name in
                              ("app", "session-load", "session-save", "save-queue", "kvstore", "store-app", "store-storage",
                               "store-queue", "store-apply", "store-commit")})
    return pages


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def tail(records):
    runs = measured(records, "tail")
    date = runs[0]["time"][:10] if runs else "no runs"
    out = [f"### Pages with Server-Timing on ({date}, one run of `bash bench/tail.sh`{pacing(runs)})", "",
           "How it is measured and read: docs/performance.md. Server-Timing is on, so the pages/s are not the page",
           "table's (bench/latest.md).", "",
           "| target | pages/s | client p50 / p99 ms | web's own p50 / p99 ms | cores idle | CPU µs per page |",
           "| --- | ---: | ---: | ---: | ---: | ---: |"]
    splits = []
    for r in runs:
        pages = timings(r["timing_file"]) if r.get("timing_file") else []
        apps = [t["app"] for t in pages]
        own = f"{percentile(apps, 50):.2f} / {percentile(apps, 99):.2f}" if apps else "–"
        cpu = sum(cpu_us_per_request([r], name) for name in r["processes"])
        out.append(f"| {r['label']} | {round(r['requests_per_second'])} | {r['latency_ms']['p50']:.2f} / {r['latency_ms']['p99']:.2f} "
                   f"| {own} | {r['cpu_idle_share']:.0%} | {cpu} |")
        if pages:
            splits.append((r["label"], pages, percentile(apps, 99)))
    for label, pages, p99 in splits:
        slow = [t for t in pages if t["app"] >= p99]
        out += ["", f"{label}: where web's time went, mean ms per page ({len(pages)} pages; the slowest 1 %: {len(slow)}, web's own time at or above {p99:.2f} ms)", "",
                "| part | every page | slowest 1 % | share of the slowest |", "| --- | ---: | ---: | ---: |"]
        total = statistics.fmean(t["app"] for t in slow)
        for name, part in TAIL_PARTS:
            every, slowest = statistics.fmean(part(t) for t in pages), statistics.fmean(part(t) for t in slow)
            out.append(f"| {name} | {every:.2f} | {slowest:.2f} | {slowest / total:.0%} |")
        out.append(f"| web's own time (app) | {statistics.fmean(t['app'] for t in pages):.2f} | {total:.2f} | 100% |")
    return out


# run.sh with TIMELINE=1

def timeline(records):
    """Per target and round, from bench/timeline.lua's file: the p99, the p99 of the pages sent in the
    round's first second, and the share of the round's slowest 1 % that fell in its worst 5 % of 100 ms
    windows (the windows holding most of them): a stall bunches them there, a busy machine spreads them."""
    runs = [r for r in measured(records, "page") if r.get("timeline_file")]
    out = ["### When each round's slowest pages came (`TIMELINE=1`, bench/timeline.lua)", "",
           "| target | p99 ms | p99 ms of the first second | share of the slowest 1 % in the worst 5 % of 100 ms windows |",
           "| --- | ---: | ---: | ---: |"]
    by_target = {}
    for r in runs:
        by_target.setdefault(r["label"], []).append(r)
    for label, rounds in by_target.items():
        cells = [[], [], []]
        for r in sorted(rounds, key=lambda r: r["round"]):
            with open(r["timeline_file"], encoding="utf-8") as f:
                pages = [(float(sent), float(took) / 1000) for _, sent, took in (line.split() for line in f)]
            if not pages:
                continue
            start = min(sent for sent, _ in pages)
            p99 = percentile([took for _, took in pages], 99)
            first = [took for sent, took in pages if sent - start < 1e6]
            windows = {}
            for sent, took in pages:
                if took >= p99:
                    window = int((sent - start) // 1e5)
                    windows[window] = windows.get(window, 0) + 1
            span = int((max(sent for sent, _ in pages) - start) // 1e5) + 1
            worst = sum(sorted(windows.values(), reverse=True)[:max(1, span // 20)])
            cells[0].append(f"{p99:.2f}")
            cells[1].append(f"{percentile(first, 99):.2f}")
            cells[2].append(f"{worst / sum(windows.values()):.0%}")
        out.append(f"| {label} | " + " | ".join(" / ".join(c) for c in cells) + " |")
    return out


# capacity.sh

def capacity(records):
    meta, write, count, dump, store = (one(records, k) for k in ("run", "write", "count", "dump", "store"))
    get = measured(records, "get")[-1]
    n = meta["sessions"]
    socket, status = errors(get)
    store_p = store["processes"]["store"]
    out = [f"### Embedded store with {n} live sessions ({meta['time'][:10]}, {meta['cores']} cores)", "",
           "| figure | value |", "| --- | ---: |",
           f"| sessions written (bulk API, 1,000 per request) | {n} in {write['ms'] // 1000} s ({n * 1000 // (write['ms'] + 1)} per s) |",
           f"| GET of a random session: requests/s, p50, p99, errors (2 wrk threads, 32 connections, 10 s) "
           f"| {round(get['requests_per_second'])}, {get['latency_ms']['p50']:.2f} ms, {get['latency_ms']['p99']:.2f} ms, {socket}+{status} |",
           f"| count of live sessions (GET /v1/count) | {count['response']['count']} in {count['ms']} ms |",
           f"| dump of every session (NDJSON) | {dump['lines']} lines in {dump['ms'] // 1000}.{dump['ms'] % 1000 // 100} s, "
           f"client peak {dump['client_peak_kib'] // 1024} MiB |",
           f"| disk (database, WAL and lock files) | {store['disk_bytes'] // 1048576} MiB, {store['disk_bytes'] // n} bytes per session |",
           f"| store RSS now / peak | {mib(store_p['rss_kib'])} / {mib(store_p['peak_rss_kib'])} MiB |"]
    redis = [r for r in records if r.get("kind") == "redis"]
    if redis:
        out += ["", f"### Memory per session on Redis ({meta['redis_sessions']} sessions written through the store)", "",
                "| server | used_memory added | bytes per session |", "| --- | ---: | ---: |"]
        out += [f"| {r['server']} | {r['added_bytes'] // 1048576} MiB | {r['added_bytes'] // r['sessions']}"
                f"{' (' + r['note'] + ')' if r.get('note') else ''} |" for r in redis]
    return out


# profile.sh

def profile(records):
    r = measured(records, "profile")[-1]
    return [f"pages/s {round(r['requests_per_second'])}; CPU µs per page: "
            f"web {cpu_us_per_request([r], 'web')}, store {cpu_us_per_request([r], 'store')}"]


# add

def status_kib(pid, field):
    with open(f"/proc/{pid}/status", encoding="utf-8") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


def add(path, fields, processes):
    record = {}
    for field in fields:
        key, sep, value = field.partition(":=")
        if sep:
            record[key] = json.loads(value)
            continue
        key, sep, value = field.partition("=")
        if not sep:
            sys.exit(f"add: {field!r} is not key=value or key:=JSON")
        record[key] = int(value) if value.lstrip("-").isdigit() else value
    record["time"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if processes:
        record["processes"] = {}
        for spec in processes:
            name, _, pids = spec.partition("=")
            pids = [int(p) for p in pids.split(",")]
            record["processes"][name] = {"pids": pids, "rss_kib": sum(status_kib(p, "VmRSS") for p in pids),
                                         "peak_rss_kib": sum(status_kib(p, "VmHWM") for p in pids)}
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("add", help="append one record: key=value (an integer value as a number), key:=JSON")
    p.add_argument("file")
    p.add_argument("fields", nargs="+")
    p.add_argument("--process", action="append", default=[], help="name=pid[,pid...]: record their RSS and peak RSS")
    for name in ("summary", "render", "stalls", "tail", "timeline", "capacity", "profile"):
        commands.add_parser(name).add_argument("file")
    p = commands.add_parser("ab")
    p.add_argument("file")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--round", type=int, help="only this round's line")
    which.add_argument("--totals", action="store_true", help="only the peak memory and the mean B/A")
    args = parser.parse_args()

    if args.command == "add":
        add(args.file, args.fields, args.process)
        return
    records = load(args.file)
    if args.command == "summary":
        json.dump(summary(records), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    lines = {"render": lambda: render(summary(records)),
             "ab": lambda: ab(records, args.round, args.totals),
             "stalls": lambda: stalls(records),
             "tail": lambda: tail(records),
             "timeline": lambda: timeline(records),
             "capacity": lambda: capacity(records),
             "profile": lambda: profile(records)}[args.command]()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
