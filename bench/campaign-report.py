#!/usr/bin/env python3
"""Renders bench/campaign-latest.md from bench/campaign.sh run folders.

Usage: campaign-report.py PICTURES RUNS [RUNS...]
Each RUNS folder is one bench/campaign.sh run: one folder per run (topology-seed) with the run's
campaign-*.json summary (written by Counter.Tests/Campaign/CampaignSummary.cs), report and timeline,
a `status` file of "topology seed exit-code" lines, and `commit` and `minutes` files. A topology
found in a later RUNS folder replaces its runs from the earlier ones (a re-run after a fix), and the
table names the commit each topology's runs were built from. The first run's timeline of each
topology and the report of every run with an anomaly are copied to PICTURES. Exits 1 if a promised
topology had an anomaly or a key left unknown, or a run left no summary.
"""
import datetime
import glob
import json
import os
import shutil
import sys

pictures, folders = sys.argv[1], sys.argv[2:]
pictures_link = os.path.basename(os.path.normpath(pictures))
for stale in glob.glob(os.path.join(pictures, "*.svg")) + glob.glob(os.path.join(pictures, "*.txt")):
    os.remove(stale)


def read(folder, name):
    with open(os.path.join(folder, name)) as f:
        return f.read().strip()


runs, minutes = [], 0
for runs_dir in folders:
    commit = read(runs_dir, "commit")
    minutes += int(read(runs_dir, "minutes"))
    these = []
    with open(os.path.join(runs_dir, "status")) as status:
        for line in status:
            topology, seed, code = line.split()
            folder = os.path.join(runs_dir, f"{topology}-{seed}")
            summaries = sorted(glob.glob(os.path.join(folder, "campaign-*.json")))
            summary = json.load(open(summaries[0])) if summaries else None
            these.append({"topology": topology, "seed": int(seed), "exit": int(code), "folder": folder, "summary": summary, "commit": commit})
    rerun = {r["topology"] for r in these}
    runs = [r for r in runs if r["topology"] not in rerun] + these
order = ["embedded", "garnet", "redis-server", "redis-cluster-acks1", "redis-cluster-acks0", "pages"]
runs.sort(key=lambda r: order.index(r["topology"]) if r["topology"] in order else len(order))


def count(run, outcome):
    return run["summary"]["operations"].get(outcome, 0) if run["summary"] else 0


def faults(runs_of):
    total = {}
    for run in runs_of:
        for kind, n in (run["summary"] or {}).get("faults", {}).items():
            total[kind] = total.get(kind, 0) + n
    return ", ".join(f"{n} {kind}" for kind, n in sorted(total.items())) or "none"


def verdict(run):
    s = run["summary"]
    if s is None:
        return "NO RESULT (the test did not finish: see its log)"
    if s["anomalies"] == 0 and s["undecidedKeys"] == 0:
        return "0 anomalies" + ("" if run["exit"] == 0 else f" (test exit {run['exit']})")
    text = f"{s['anomalies']} anomalies ({', '.join(s['anomalyKinds'])})" if s["anomalies"] else ""
    if s["undecidedKeys"]:
        text += (", " if text else "") + f"{s['undecidedKeys']} keys unknown"
    return text + (": expected by the docs" if s["lossesExpected"] else ": FAILED")


failed = [r for r in runs if r["summary"] is None or (not r["summary"]["lossesExpected"] and not r["summary"]["valid"])]
commits = list(dict.fromkeys(r["commit"] for r in runs))
print(f"### Fault campaign ({datetime.date.today().isoformat()}, {os.cpu_count()} cores, commit {', '.join(commits)}, "
      f"bash bench/campaign.sh, {minutes} min)")
print()
print("Each run: seeded faults against the running store or app while clients record every operation;")
print("the checker decides from the history alone (docs/reliability.md). `CAMPAIGN_SEED=<seed>` with the")
print("topology's test replays a run's fault schedule.")
print()
print("| topology | commit | runs | workload s | operations | ok | fail | info | faults | anomalies |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
topologies = list(dict.fromkeys(r["topology"] for r in runs))
for topology in topologies:
    of = [r for r in runs if r["topology"] == topology]
    done = [r for r in of if r["summary"]]
    anomalies = sum(r["summary"]["anomalies"] for r in done)
    expected = any(r["summary"]["lossesExpected"] for r in done)
    missing = len(of) - len(done)
    unknown = sum(1 for r in done if r["summary"]["undecidedKeys"])
    found = (f"{anomalies}" + (" (expected by the docs)" if expected and anomalies else "")
             + (f"; {unknown} runs left keys unknown" if unknown else "") + (f"; {missing} runs left no result" if missing else ""))
    print(f"| {topology} | {of[0]['commit']} | {len(of)} | {sum(r['summary']['seconds'] for r in done):.0f} | "
          f"{sum(count(r, 'ok') + count(r, 'fail') + count(r, 'info') for r in done)} | {sum(count(r, 'ok') for r in done)} | "
          f"{sum(count(r, 'fail') for r in done)} | {sum(count(r, 'info') for r in done)} | {faults(of)} | {found} |")
print()
print("| topology | seed | operations (ok / fail / info) | faults | verdict |")
print("| --- | ---: | --- | --- | --- |")
for run in runs:
    s = run["summary"]
    ops = f"{count(run, 'ok')} / {count(run, 'fail')} / {count(run, 'info')}" if s else "-"
    name = s["name"] if s else None
    result = verdict(run)
    if s and s["anomalies"]:
        shutil.copy(os.path.join(run["folder"], f"campaign-{name}.txt"), os.path.join(pictures, f"{name}.txt"))
        result = f"[{result}]({pictures_link}/{name}.txt)"
    print(f"| {run['topology']} | {run['seed']} | {ops} | {faults([run])} | {result} |")
print()
print("Timelines (operations begun per second, by outcome; fault windows shaded), the first run of each topology:")
print()
for topology in topologies:
    first = next((r for r in runs if r["topology"] == topology and r["summary"]), None)
    if first:
        shutil.copy(os.path.join(first["folder"], f"campaign-{first['summary']['name']}.svg"), os.path.join(pictures, f"{topology}.svg"))
        print(f"![{topology}, seed {first['seed']}]({pictures_link}/{topology}.svg)")
        print()
print("Every promised topology: 0 anomalies." if not failed else
      f"FAILED: {len(failed)} runs on promised topologies found anomalies, left keys unknown or left no result.")
sys.exit(1 if failed else 0)
