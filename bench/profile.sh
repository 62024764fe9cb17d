#!/usr/bin/env bash
# Where a server-side page's CPU goes: starts web + embedded store (Release, telemetry off, JIT frames
# named for perf), loads the counter page with wrk and samples each process with perf, then prints
# CPU µs per page per process and each process's top frames by self time, grouped by module.
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
load() { # seconds round
  BENCH_RESULTS="$results" BENCH_RUN="kind=profile;round=$2" BENCH_PROCESSES="web=$web store=$kv" BENCH_DIR="$root/bench" COOKIES_FILE="$work/cookies" \
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
