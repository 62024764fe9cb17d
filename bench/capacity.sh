#!/usr/bin/env bash
# Figures for the capacity model (docs/capacity.md): the embedded store holding many live sessions,
# and the memory a session takes on Redis (one redis-server and a Redis Cluster). Usage:
#   bash bench/capacity.sh                 # 10,000,000 sessions on the embedded store (~15 min, ~2 GB of disk)
#   SESSIONS=1000000 REDIS_SESSIONS=200000 bash bench/capacity.sh
# Sessions are written through the store's bulk API (1,000 per request), each the 77-byte record a
# counter page stores, under a key as long as a real one (session: + 43 characters).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/common.sh"
sessions="${SESSIONS:-10000000}"; redis_sessions="${REDIS_SESSIONS:-500000}"
for t in wrk redis-server redis-cli curl python3; do command -v "$t" >/dev/null || { echo "install $t (apt-get install wrk redis-server curl python3)" >&2; exit 2; }; done
work="$(mktemp -d /tmp/counter-capacity.XXXXXX)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
dotnet build "$root/Counter.KvStore" -c Release -v q -nologo >/dev/null
kv_dll="$root/Counter.KvStore/bin/Release/net10.0/Counter.KvStore.dll"
quiet=(Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning)
start() { local name=$1; shift; ( cd "$work" && exec env "$@" ) >"$work/$name.log" 2>&1 & pids+=($!); eval "pid_$name=$!"; }
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
get_load() { # port keys -> RESULT line of 10 s of random GETs over the keys
  KV_CREDENTIAL=$operations_credential KV_RANDOM_KEYS=$2 BENCH_DIR="$root/bench" wrk -t2 -c32 -d10s --timeout 5s -s "$root/bench/kv.lua" "http://127.0.0.1:$1/" | grep '^RESULT'
}
get_errors() { sed -E "s/.*errors=([0-9]+) non2xx=([0-9]+).*/\1+\2/" <<<"$1"; }
field() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }

echo "### Embedded store with $sessions live sessions ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo
start kvstore "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5351 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__DataPath="$work/kv" dotnet "$kv_dll"
wait_up http://127.0.0.1:5351/health
t0=$(ms); populate 5351 "$sessions"; t1=$(ms)
get_load 5351 "$sessions" >/dev/null # JIT warm-up (tiered PGO)
out=$(get_load 5351 "$sessions")
t2=$(ms); count=$(curl -fs -H "Authorization: Bearer $operations_credential" "http://127.0.0.1:5351/v1/count?prefix=session:" | sed -E 's/.*"count":([0-9]+).*/\1/'); t3=$(ms)
/usr/bin/time -f "%M" -o "$work/dump-mem" env KVSTORE_CREDENTIAL=$operations_credential dotnet "$kv_dll" dump --url http://127.0.0.1:5351 >"$work/dump.txt"; t4=$(ms)
disk=$(du -sb "$work/kv" | cut -f1)
echo "| figure | value |"
echo "| --- | ---: |"
echo "| sessions written (bulk API, 1,000 per request) | $sessions in $(( (t1 - t0) / 1000 )) s ($(( sessions * 1000 / (t1 - t0 + 1) )) per s) |"
echo "| GET of a random session: requests/s, p50, p99, errors (2 wrk threads, 32 connections, 10 s) | $(field rps "$out"), $(field p50 "$out") ms, $(field p99 "$out") ms, $(get_errors "$out") |"
echo "| count of live sessions (GET /v1/count) | $count in $(( t3 - t2 )) ms |"
echo "| dump of every session (NDJSON) | $(wc -l <"$work/dump.txt") lines in $(( (t4 - t3) / 1000 )).$(( (t4 - t3) % 1000 / 100 )) s, client peak $(( $(cat "$work/dump-mem") / 1024 )) MiB |"
echo "| disk (database, WAL and lock files) | $(( disk / 1048576 )) MiB, $(( disk / sessions )) bytes per session |"
echo "| store RSS now / peak | $(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$pid_kvstore/status") / $(peak_mb "$pid_kvstore") MiB |"
kill "$pid_kvstore"; wait "$pid_kvstore" 2>/dev/null || true

# Redis: used_memory before and after writing the sessions through a store on the Redis backend.
used() { local p t=0; for p in "$@"; do t=$(( t + $(redis-cli -p "$p" info memory | sed -nE 's/^used_memory:([0-9]+).*/\1/p') )); done; echo "$t"; }
echo
echo "### Memory per session on Redis ($redis_sessions sessions written through the store)"
echo
echo "| server | used_memory added | bytes per session |"
echo "| --- | ---: | ---: |"
start redis redis-server --port 5352 --save "" --appendonly no
for _ in $(seq 1 50); do [ "$(redis-cli -p 5352 ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
start kvredis "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5353 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Backend=Redis ConnectionStrings__redis=127.0.0.1:5352 dotnet "$kv_dll"
wait_up http://127.0.0.1:5353/health
before=$(used 5352); populate 5353 "$redis_sessions"; after=$(used 5352)
echo "| one redis-server | $(( (after - before) / 1048576 )) MiB | $(( (after - before) / redis_sessions )) |"
cluster_ports=(5361 5362 5363 5364 5365 5366)
for p in "${cluster_ports[@]}"; do
  mkdir -p "$work/cluster/$p"
  start "c$p" redis-server --port "$p" --bind 127.0.0.1 --dir "$work/cluster/$p" --cluster-enabled yes --cluster-config-file nodes.conf \
    --cluster-node-timeout 2000 --save "" --appendonly no
done
for p in "${cluster_ports[@]}"; do for _ in $(seq 1 50); do [ "$(redis-cli -p "$p" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done; done
redis-cli --cluster create $(printf '127.0.0.1:%s ' "${cluster_ports[@]}") --cluster-replicas 1 --cluster-yes >"$work/cluster.log" 2>&1
for _ in $(seq 1 100); do redis-cli -p 5361 cluster info | grep -q cluster_state:ok && [ "$(redis-cli -p 5361 info replication | grep -c 'state=online')" = 1 ] && break; sleep 0.1; done
start kvcluster "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5367 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Backend=Redis ConnectionStrings__redis=127.0.0.1:5361,127.0.0.1:5362,127.0.0.1:5363 dotnet "$kv_dll"
wait_up http://127.0.0.1:5367/health
before=$(used "${cluster_ports[@]}"); populate 5367 "$redis_sessions"; sleep 2; after=$(used "${cluster_ports[@]}")
echo "| Redis Cluster, 3 primaries + 3 replicas (all six nodes) | $(( (after - before) / 1048576 )) MiB | $(( (after - before) / redis_sessions )) (each session held twice) |"
