#!/usr/bin/env bash
# Where the page tail comes from: web + embedded store (Release, as shipped) under the wrk page load
# in 2-second slices, each slice's p99, beside what dotnet-counters saw in each process once a
# second (GC pauses and collections, allocation rate, thread-pool queue). A slice whose p99 jumps
# while no GC paused points at the machine (CPU scheduling), not at the process.
#   bash bench/stalls.sh          # SLICES=20 USERS=32; EXTRA='ENV=value ...' for both processes
# Needs dotnet-counters: dotnet tool install -g dotnet-counters --version 10.0.750501
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/common.sh"
slices="${SLICES:-20}"; users="${USERS:-32}"
export PATH="$PATH:$HOME/.dotnet/tools"
for t in wrk python3 dotnet-counters; do command -v "$t" >/dev/null || { echo "install $t (apt-get install wrk python3; dotnet tool install -g dotnet-counters --version 10.0.750501)" >&2; exit 2; }; done
work="$(mktemp -d /tmp/counter-stalls.XXXXXX)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for p in Counter.Web Counter.KvStore; do dotnet build "$root/$p" -c Release -v q -nologo >/dev/null; done
q="Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning ${EXTRA:-}"
# shellcheck disable=SC2086 # a word list on purpose
start_counter 5412 5413 $q
make_sessions 5413 "$users" "$work/cookies" "$work/jar"
# Each slice is one wrk run, one JSON object in the results file (bench/result.lua); slice 0 is the warm-up.
results="${RESULTS:-$(mktemp /tmp/counter-stalls-XXXXXX.jsonl)}"; : >"$results"
load() { # seconds slice
  BENCH_RESULTS="$results" BENCH_RUN="kind=slice;slice=$2;round=$2" BENCH_PROCESSES="web=$web store=$kv" BENCH_DIR="$root/bench" COOKIES_FILE="$work/cookies" \
    wrk -t"$users" -c"$users" -d"$1s" --timeout 5s -s "$root/bench/session.lua" http://127.0.0.1:5413/ >/dev/null
}
load 15 0 # JIT warm-up (tiered PGO)
for side in kv:$kv web:$web; do
  dotnet-counters collect -p "${side#*:}" --refresh-interval 1 --format csv -o "$work/${side%%:*}.csv" --counters System.Runtime >/dev/null 2>&1 & pids+=($!)
done
sleep 2
for i in $(seq 1 "$slices"); do load 2 "$i"; done
python3 "$root/bench/results.py" stalls "$results"
kill "${pids[@]:2}" 2>/dev/null || true; sleep 1
echo
echo "| process | allocated MB/s | gen0 GCs/s | gen1 GCs | gen2 GCs | GC pause ms per s (max) | mean pause per GC ms | max thread-pool queue |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for side in web kv; do
  awk -F, -v name="$([ $side = kv ] && echo store || echo web)" '
    /total_allocated/ {a += $5; n++} /collections/ && /gen0\]/ {g0 += $5} /collections/ && /gen1\]/ {g1 += $5} /collections/ && /gen2\]/ {g2 += $5}
    /pause.time/ {p += $5; if ($5 > m) m = $5} /queue.length/ {if ($5 > q) q = $5}
    END {printf "| %s | %.1f | %.1f | %d | %d | %.1f (%.0f) | %.2f | %d |\n", name, a / n / 1e6, g0 / n, g1, g2, p / n * 1000, m * 1000, (g0 ? p * 1000 / g0 : 0), q}' "$work/$side.csv"
done
echo "Raw results: $results (python3 bench/results.py stalls FILE prints the slice table again)" >&2
