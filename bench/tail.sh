#!/usr/bin/env bash
# Where the slowest pages wait: web and its store as shipped (Release, Storage:Synchronous=Full) with
# Server-Timing on, under the wrk page load, every page's stages kept (bench/timing.lua); then, per
# target, web's own time of each page split into parts that do not overlap, for every page and for the
# slowest 1 %, beside the client's p99, the share of the cores left idle and CPU per page. The
# baseline (built-in session over Redis with an anti-forgery token) runs in the same rounds for its
# p99 and idle share.
#   bash bench/tail.sh            # USERS=32 SECONDS_PER_TARGET=20 WARMUP_SECONDS=20 (per target)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/common.sh"
users="${USERS:-32}"; seconds="${SECONDS_PER_TARGET:-20}"; warmup="${WARMUP_SECONDS:-20}"
for t in wrk redis-server python3; do command -v "$t" >/dev/null || { echo "install $t (apt-get install wrk redis-server python3)" >&2; exit 2; }; done
work="$(mktemp -d /tmp/counter-tail.XXXXXX)"; pids=()
timings="$(mktemp -d /tmp/counter-tail-timings.XXXXXX)" # kept: each page's Server-Timing, one file per run
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for p in Counter.Web Counter.KvStore bench/Counter.Bench.Baseline; do dotnet build "$root/$p" -c Release -v q -nologo >/dev/null; done
q="Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning"
start redis redis-server --port 5421 --save "" --appendonly no; redis=$pid_redis
# shellcheck disable=SC2086 # word lists on purpose
start_counter 5422 5423 $q ServerTiming__Enabled=true
# shellcheck disable=SC2086
start kvredis $q ServerTiming__Enabled=true ASPNETCORE_URLS=http://127.0.0.1:5424 Credentials__Web=$web_credential Credentials__Operations=$operations_credential \
  Storage__Backend=Redis ConnectionStrings__redis=127.0.0.1:5421 dotnet "$(release_dll Counter.KvStore)"; kvredis=$pid_kvredis
# shellcheck disable=SC2086
start webredis $q $web_limits ServerTiming__Enabled=true ASPNETCORE_URLS=http://127.0.0.1:5425 KvStoreClient__Credential=$web_credential Session__KeySecret=$secret \
  KeyRing__KeyEncryptionKey=$secret KvStoreClient__BaseAddress=http://127.0.0.1:5424 dotnet "$(release_dll Counter.Web)"; webredis=$pid_webredis
# shellcheck disable=SC2086
start base $q ASPNETCORE_URLS=http://127.0.0.1:5426 BASELINE_CACHE=redis REDIS=127.0.0.1:5421 \
  dotnet "$(release_dll bench/Counter.Bench.Baseline)"; base=$pid_base
for u in 5424/health 5425/health 5426/; do wait_up "http://127.0.0.1:$u"; done

targets=("baseline|Built-in session over Redis, anti-forgery token in the form (baseline)|5426|web=$base redis=$redis"
         "embedded|Counter, server-side (embedded SQLite store)|5423|web=$web store=$kv"
         "redis|Counter, server-side (store on Redis backend)|5425|web=$webredis store=$kvredis redis=$redis")
results="${RESULTS:-$(mktemp /tmp/counter-tail-XXXXXX.jsonl)}"; : >"$results"
load() { # id label port processes seconds round
  BENCH_RESULTS="$results" BENCH_RUN="kind=tail;target=$1;label=$2;round=$6;timing_file=$timings/$1-$6" BENCH_PROCESSES="$4" \
    BENCH_DIR="$root/bench" COOKIES_FILE="$work/cookies-$1" TIMING_FILE="$timings/$1-$6" \
    wrk -t"$users" -c"$users" -d"$5s" --timeout 5s -s "$root/bench/timing.lua" "http://127.0.0.1:$3/" >/dev/null
}
echo "Warming up each target for ${warmup} s, then ${seconds} s each..." >&2
for t in "${targets[@]}"; do IFS='|' read -r id label port who <<<"$t"; make_sessions "$port" "$users" "$work/cookies-$id" "$work/jar"; load "$id" "$label" "$port" "$who" "$warmup" 0; done
for t in "${targets[@]}"; do IFS='|' read -r id label port who <<<"$t"; load "$id" "$label" "$port" "$who" "$seconds" 1; done
python3 "$root/bench/results.py" tail "$results"
echo "Raw results: $results, each page's stages in $timings (python3 bench/results.py tail FILE prints the tables again)" >&2
