#!/usr/bin/env bash
# Where a server-side page's CPU goes: starts web + embedded store (Release, telemetry off, JIT frames
# named for perf), loads the counter page with wrk and samples each process with perf, then prints
# CPU µs per page per process and each process's top frames by self time, grouped by module; then,
# under a second load, what each process's context switches are (bench/log.md, "What the switches are").
#   bash bench/profile.sh            # SECONDS_PER_PROFILE=10 USERS=32; EXTRA='ENV=value ...' for both
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/common.sh"
secs="${SECONDS_PER_PROFILE:-10}"; users="${USERS:-32}"
command -v perf >/dev/null || { echo "install perf (apt-get install linux-perf)" >&2; exit 2; }
for t in wrk python3; do command -v "$t" >/dev/null || { echo "install $t (apt-get install $t)" >&2; exit 2; }; done
work="$(mktemp -d /tmp/counter-profile.XXXXXX)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for p in Counter.Web Counter.KvStore; do dotnet build "$root/$p" -c Release -v q -nologo >/dev/null; done
env_common="Logging__LogLevel__Default=Warning OTEL_SDK_DISABLED=true DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 ${EXTRA:-}"
# shellcheck disable=SC2086 # a word list on purpose
start_counter 5331 5332 $env_common
make_sessions 5332 "$users" "$work/cookies" "$work/jar"
# The measured run is one JSON object in the results file (bench/result.lua), round 0 the warm-up.
results="${RESULTS:-$(mktemp /tmp/counter-profile-XXXXXX.jsonl)}"; : >"$results"
load() { # seconds round [kind, else profile]
  BENCH_RESULTS="$results" BENCH_RUN="kind=${3:-profile};round=$2" BENCH_PROCESSES="web=$web store=$kv" BENCH_DIR="$root/bench" COOKIES_FILE="$work/cookies" \
    wrk -t"$users" -c"$users" -d"$1s" --timeout 5s -s "$root/bench/session.lua" http://127.0.0.1:5332/ >/dev/null
}
load 12 0 # JIT warm-up (tiered PGO)
( sleep 1; perf record -q -F 999 -g -p "$web,$kv" -o "$work/perf.data" -- sleep $((secs - 2)) >/dev/null 2>&1 ) &
load "$secs" 1; wait $!
python3 "$root/bench/results.py" profile "$results"
echo "Raw results: $results" >&2
# Self time per process, by where the code lives: the .NET assembly of JIT-compiled frames, else the
# native module (kernel, libcoreclr, libc, libcrypto, SQLite...).
for side in web:$web store:$kv; do
  pid=${side#*:}
  perf report -i "$work/perf.data" --pid "$pid" --percentage relative --no-children --sort dso,sym -g none --stdio 2>/dev/null \
    | grep -E '^ +[0-9.]+%' >"$work/${side%%:*}.txt" || true
  echo; echo "## ${side%%:*}: self time by assembly or module"
  awk '{ pct=$1; sub(/%/, "", pct); dso=$2; key=dso
         if (dso ~ /^\[JIT\]/ || dso ~ /perf-[0-9]+\.map/) { key="(JIT, unnamed)"; rest=substr($0, index($0, "[.] ") + 4); if (match(rest, /\[[A-Za-z][A-Za-z0-9_.]+\] [A-Za-z]/)) key=substr(rest, RSTART, RLENGTH-2) }
         sum[key]+=pct }
       END { for (k in sum) printf "%6.1f%%  %s\n", sum[k], k }' "$work/${side%%:*}.txt" | sort -rn | head -15
  echo; echo "## ${side%%:*}: top frames (self)"
  head -30 "$work/${side%%:*}.txt" | cut -c1-160
done

# What the context switches are, per page: counted with perf stat over the middle of a second load, and
# split by the state the thread left its core in (perf record, 3 s): still runnable (R: it yielded or
# was preempted; an idle pool worker's spin-wait yields with sched_yield) or blocked (S, D).
window=$((secs - 2))
counters=()
for side in web:$web store:$kv; do
  ( sleep 1; perf stat -x, -e sched:sched_switch,syscalls:sys_enter_sched_yield,raw_syscalls:sys_enter -p "${side#*:}" \
      -o "$work/${side%%:*}.stat" -- sleep "$window" >/dev/null 2>&1 ) &
  counters+=($!)
done
( sleep 2; perf record -q -e sched:sched_switch -p "$web,$kv" -o "$work/switches.data" -- sleep 3 >/dev/null 2>&1 ) &
counters+=($!)
load "$secs" 1 switches
wait "${counters[@]}"
pages=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["requests_per_second"] * int(sys.argv[2]))' "$results" "$window")
perf script -i "$work/switches.data" -F pid,trace 2>/dev/null | awk -v web="$web" '
  { state = $0; sub(/.*prev_state=/, "", state); sub(/ .*/, "", state); side = ($1 == web) ? "web" : "store"
    all[side]++; if (state ~ /^R/) runnable[side]++ }
  END { for (s in all) printf "%s %d %d\n", s, all[s], runnable[s] }' >"$work/states.txt"
echo; echo "## context switches per page (${window} s counted, ~${pages%.*} pages; the state split from 3 s of them)"
echo "| process | switches | still runnable | blocked | sched_yield calls | sched_yield share of syscalls | threads |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for side in web:$web store:$kv; do
  name=${side%%:*}
  awk -F, -v name="$name" -v pages="$pages" -v threads="$(ls "/proc/${side#*:}/task" | wc -l)" -v states="$(grep "^$name " "$work/states.txt")" '
    $3 == "sched:sched_switch" { sw = $1 } $3 == "syscalls:sys_enter_sched_yield" { y = $1 } $3 == "raw_syscalls:sys_enter" { sys = $1 }
    END { split(states, st, " "); r = (st[2] > 0) ? st[3] / st[2] : 0
          printf "| %s | %.2f | %.0f %% | %.2f | %.2f | %.0f %% | %d |\n", name, sw / pages, 100 * r, sw * (1 - r) / pages, y / pages, 100 * y / sys, threads }' \
    "$work/$name.stat"
done
