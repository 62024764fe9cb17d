#!/usr/bin/env bash
# Figures for the capacity model (docs/capacity.md): the embedded store holding many live sessions,
# and the memory a session takes on Redis (one redis-server and a Redis Cluster). Usage:
#   bash bench/capacity.sh                 # 10,000,000 sessions on the embedded store (~15 min, ~2 GB of disk)
#   SESSIONS=1000000 REDIS_SESSIONS=200000 bash bench/capacity.sh
# Sessions are written through the store's bulk API (1,000 per request), each the 77-byte record a
# counter page stores, under a key as long as a real one (session: + 43 characters). The figures go to
# RESULTS=file (one JSON object per line; else a temporary file it names) and print as tables at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/common.sh"
sessions="${SESSIONS:-10000000}"; redis_sessions="${REDIS_SESSIONS:-500000}"
for t in wrk redis-server redis-cli curl python3; do command -v "$t" >/dev/null || { echo "install $t (apt-get install wrk redis-server curl python3)" >&2; exit 2; }; done
work="$(mktemp -d /tmp/counter-capacity.XXXXXX)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
dotnet build "$root/Counter.KvStore" -c Release -v q -nologo >/dev/null
kv_dll="$(release_dll Counter.KvStore)"
quiet=(Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning)
ms() { date +%s%3N; }
populate() { # port count: session:<i> for i < count, in bulk POSTs of 1000 from two writers
  python3 - "$1" "$2" "$operations_credential" <<'PY'
import json, sys, urllib.request
from concurrent.futures import ThreadPoolExecutor
port, count, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
value = {"v": 1, "created": 1764446000000, "seen": 1764446000000, "data": {"count": 42}}
def post(start):
    body = json.dumps({f"session:{i:043d}": value for i in range(start, min(start + 1000, count))}).encode()
    urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/", body, {"Content-Type": "application/json", "Authorization": "Bearer " + key})).read()
with ThreadPoolExecutor(2) as pool:
    list(pool.map(post, range(0, count, 1000)))
PY
}
# Every figure is one JSON object in the results file: wrk's GET runs through bench/result.lua (round 0
# the warm-up), the rest through bench/results.py add; bench/results.py capacity prints the tables.
results="${RESULTS:-$(mktemp /tmp/counter-capacity-XXXXXX.jsonl)}"; : >"$results"
bench_results() { python3 "$root/bench/results.py" "$@"; }
get_load() { # port keys round: 10 s of random GETs over the keys
  BENCH_RESULTS="$results" BENCH_RUN="kind=get;round=$3" KV_CREDENTIAL=$operations_credential KV_RANDOM_KEYS=$2 BENCH_DIR="$root/bench" \
    wrk -t2 -c32 -d10s --timeout 5s -s "$root/bench/kv.lua" "http://127.0.0.1:$1/" >/dev/null
}
bench_results add "$results" kind=run sessions="$sessions" redis_sessions="$redis_sessions" cores="$(nproc)"

start kvstore "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5351 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Sqlite__DataPath="$work/kv" dotnet "$kv_dll"
wait_up http://127.0.0.1:5351/health
t0=$(ms); populate 5351 "$sessions"; t1=$(ms)
bench_results add "$results" kind=write sessions="$sessions" ms=$((t1 - t0))
get_load 5351 "$sessions" 0 # JIT warm-up (tiered PGO)
get_load 5351 "$sessions" 1
t2=$(ms); count=$(curl -fs -H "Authorization: Bearer $operations_credential" "http://127.0.0.1:5351/v1/count?prefix=session:"); t3=$(ms)
bench_results add "$results" kind=count response:="$count" ms=$((t3 - t2))
/usr/bin/time -f "%M" -o "$work/dump-mem" env KVSTORE_CREDENTIAL=$operations_credential dotnet "$kv_dll" dump --url http://127.0.0.1:5351 >"$work/dump.txt"; t4=$(ms)
bench_results add "$results" kind=dump lines="$(wc -l <"$work/dump.txt")" ms=$((t4 - t3)) client_peak_kib="$(cat "$work/dump-mem")"
bench_results add "$results" kind=store disk_bytes="$(du -sb "$work/kv" | cut -f1)" --process store="$pid_kvstore"
kill "$pid_kvstore"; wait "$pid_kvstore" 2>/dev/null || true

# Redis: used_memory before and after writing the sessions through a store on the Redis backend.
used() { local p t=0; for p in "$@"; do t=$(( t + $(redis-cli -p "$p" info memory | sed -nE 's/^used_memory:([0-9]+).*/\1/p') )); done; echo "$t"; }
start redis redis-server --port 5352 --save "" --appendonly no
for _ in $(seq 1 50); do [ "$(redis-cli -p 5352 ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
start kvredis "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5353 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Backend=Redis ConnectionStrings__redis=127.0.0.1:5352 dotnet "$kv_dll"
wait_up http://127.0.0.1:5353/health
before=$(used 5352); populate 5353 "$redis_sessions"; after=$(used 5352)
bench_results add "$results" kind=redis server="one redis-server" sessions="$redis_sessions" added_bytes=$((after - before))
cluster_ports=(5361 5362 5363 5364 5365 5366)
start_redis_cluster "$work/cluster" "${cluster_ports[@]}"
start kvcluster "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5367 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Backend=Redis ConnectionStrings__redis=$cluster_nodes dotnet "$kv_dll"
wait_up http://127.0.0.1:5367/health
before=$(used "${cluster_ports[@]}"); populate 5367 "$redis_sessions"; sleep 2; after=$(used "${cluster_ports[@]}")
bench_results add "$results" kind=redis server="Redis Cluster, 3 primaries + 3 replicas (all six nodes)" note="each session held twice" \
  sessions="$redis_sessions" added_bytes=$((after - before))
bench_results capacity "$results"
echo "Raw results: $results (python3 bench/results.py capacity FILE prints these tables again)" >&2
