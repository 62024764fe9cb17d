#!/usr/bin/env bash
# Counter benchmark: prints Markdown tables. Usage:
#   bash bench/run.sh             # full run (~20 min): page throughput, store API, 100k and 1M sessions, dump
#   bash bench/run.sh --smoke     # a few seconds per step, no 1M-key steps
#   bash bench/run.sh --pages     # only the page-throughput table (~16 min)
#   TIMELINE=1 bash bench/run.sh --pages   # also each page's send time and latency (bench/timeline.lua), kept in a
#                                 # folder it names, and the table of when each round's slowest pages came
# Drives Release builds over loopback with wrk (one thread and one connection per user, each user
# keeping its own session cookies). Targets run one after another, alternating, in four rounds, each
# opened by 2 s of load that no table counts.
# Every measurement is one JSON object per line in the results file (RESULTS=file, else a temporary
# file named at the end; a full run also copies it to bench/latest.jsonl); bench/results.py prints the
# tables from it, then and later: python3 bench/results.py render bench/latest.jsonl >bench/latest.md
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/bench/common.sh"
smoke=0; duration=10; users=32; rounds=4
pages_only=0
[ "${1:-}" = "--smoke" ] && { smoke=1; duration=3; rounds=1; }
[ "${1:-}" = "--pages" ] && pages_only=1
mode=full; [ "$smoke" = 1 ] && mode=smoke; [ "$pages_only" = 1 ] && mode=pages
results="${RESULTS:-$(mktemp /tmp/counter-bench-XXXXXX.jsonl)}"
: >"$results"
work="$(mktemp -d /tmp/counter-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

need() { command -v "$1" >/dev/null || { [ "$(id -u)" = 0 ] && apt-get install -y -qq "$2" >/dev/null; } || { echo "install $2 (apt-get install $2)" >&2; exit 2; }; }
need wrk wrk; need redis-server redis-server; need redis-cli redis-tools; need curl curl; need python3 python3

echo "Building Release..." >&2
for p in Counter.Web Counter.KvStore bench/Counter.Bench.Baseline; do
  dotnet build "$root/$p" -c Release -v q -nologo >/dev/null
done
# The standalone Aspire dashboard the AppHost runs, from the NuGet package the AppHost restores.
dotnet restore "$root/Counter.AppHost" -v q >/dev/null
aspire_version=$(sed -nE 's|.*<AspireVersion>([^<]+)</AspireVersion>.*|\1|p' "$root/Directory.Packages.props")
packages=$(dotnet nuget locals global-packages -l | sed -E 's/^global-packages: //')
dashboard_exe="$packages/aspire.dashboard.sdk.linux-x64/$aspire_version/tools/Aspire.Dashboard"
[ -x "$dashboard_exe" ] || { echo "The Aspire dashboard is missing at $dashboard_exe (dotnet restore Counter.AppHost)" >&2; exit 2; }
web_dll="$(release_dll Counter.Web)"
kv_dll="$(release_dll Counter.KvStore)"
base_dll="$(release_dll bench/Counter.Bench.Baseline)"
export BENCH_DIR="$root/bench"
quiet=(Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning)

start redis redis-server --port 5301 --save "" --appendonly no
# The same Redis made durable like the embedded store (append-only file, fsync before every reply).
mkdir -p "$work/aof"
start redisaof redis-server --port 5311 --save "" --appendonly yes --appendfsync always --dir "$work/aof"
# A Redis Cluster of 3 primaries with 1 replica each (the test suite's topology), for the store
# with and without waiting for a replica (Storage:ReplicaAcknowledgements 1 and 0).
start_redis_cluster "$work/cluster" 5321 5322 5323 5324 5325 5326
pid_cluster="$cluster_pids"
# Every Counter target runs as shipped: the OpenTelemetry SDK on and no exporter (no span sampled,
# metrics recorded). Two more targets, each with its own web and store, put a figure on telemetry:
# one with the SDK off (OTEL_SDK_DISABLED), one exporting to an Aspire dashboard (the standalone
# dashboard from the AppHost's NuGet packages, with the AppHost's 1 s export intervals). The
# baseline has no telemetry.
off=(OTEL_SDK_DISABLED=true)
exporting=(OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:5341 OTEL_BSP_SCHEDULE_DELAY=1000 OTEL_BLRP_SCHEDULE_DELAY=1000 OTEL_METRIC_EXPORT_INTERVAL=1000)
start dashboard ASPNETCORE_URLS=http://127.0.0.1:5340 ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:5341 \
  ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true ASPIRE_ALLOW_UNSECURED_TRANSPORT=true Logging__LogLevel__Default=Warning "$dashboard_exe"
start kvstore "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5302 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Sqlite__DataPath="$work/kv" dotnet "$kv_dll"
start kvstoreoff "${quiet[@]}" "${off[@]}" ASPNETCORE_URLS=http://127.0.0.1:5310 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Sqlite__DataPath="$work/kvoff" dotnet "$kv_dll"
start kvstoreexp "${quiet[@]}" "${exporting[@]}" OTEL_SERVICE_NAME=kvstore ASPNETCORE_URLS=http://127.0.0.1:5315 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Sqlite__DataPath="$work/kvexp" dotnet "$kv_dll"
# The embedded store without an fsync per commit (crash safe, not power-loss safe: docs/guarantees.md).
start kvstorenormal "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5331 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Sqlite__DataPath="$work/kvnormal" Storage__Sqlite__Synchronous=Normal dotnet "$kv_dll"
start kvredis "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5307 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Backend=Redis ConnectionStrings__redis=127.0.0.1:5301 dotnet "$kv_dll"
start kvcluster "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5327 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Backend=Redis ConnectionStrings__redis=$cluster_nodes Storage__Redis__ReplicaAcknowledgements=1 dotnet "$kv_dll"
start kvcluster0 "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5329 Credentials__Web=$web_credential Credentials__Operations=$operations_credential Storage__Backend=Redis ConnectionStrings__redis=$cluster_nodes Storage__Redis__ReplicaAcknowledgements=0 dotnet "$kv_dll"
common=("${quiet[@]}" KvStoreClient__Credential=$web_credential $web_limits Session__KeySecret=$secret KeyRing__KeyEncryptionKey=$secret)
start serveroff "${common[@]}" "${off[@]}" ASPNETCORE_URLS=http://127.0.0.1:5309 Session__Mode=ServerSide KvStoreClient__BaseAddress=http://127.0.0.1:5310 dotnet "$web_dll"
start serverexp "${common[@]}" "${exporting[@]}" OTEL_SERVICE_NAME=web ASPNETCORE_URLS=http://127.0.0.1:5314 Session__Mode=ServerSide KvStoreClient__BaseAddress=http://127.0.0.1:5315 dotnet "$web_dll"
start server "${common[@]}" ASPNETCORE_URLS=http://127.0.0.1:5303 Session__Mode=ServerSide KvStoreClient__BaseAddress=http://127.0.0.1:5302 dotnet "$web_dll"
start servernormal "${common[@]}" ASPNETCORE_URLS=http://127.0.0.1:5332 Session__Mode=ServerSide KvStoreClient__BaseAddress=http://127.0.0.1:5331 dotnet "$web_dll"
start cookie "${common[@]}" ASPNETCORE_URLS=http://127.0.0.1:5304 Session__Mode=Cookie KvStoreClient__BaseAddress=http://127.0.0.1:5302 dotnet "$web_dll"
start serverredis "${common[@]}" ASPNETCORE_URLS=http://127.0.0.1:5308 Session__Mode=ServerSide KvStoreClient__BaseAddress=http://127.0.0.1:5307 dotnet "$web_dll"
start servercluster "${common[@]}" ASPNETCORE_URLS=http://127.0.0.1:5328 Session__Mode=ServerSide KvStoreClient__BaseAddress=http://127.0.0.1:5327 dotnet "$web_dll"
start servercluster0 "${common[@]}" ASPNETCORE_URLS=http://127.0.0.1:5330 Session__Mode=ServerSide KvStoreClient__BaseAddress=http://127.0.0.1:5329 dotnet "$web_dll"
start baseredis "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5305 BASELINE_CACHE=redis REDIS=127.0.0.1:5301 dotnet "$base_dll"
start basenotoken "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5313 BASELINE_CACHE=redis BASELINE_TOKEN=false REDIS=127.0.0.1:5301 dotnet "$base_dll"
start baseaof "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5312 BASELINE_CACHE=redis REDIS=127.0.0.1:5311 dotnet "$base_dll"
start basememory "${quiet[@]}" ASPNETCORE_URLS=http://127.0.0.1:5306 BASELINE_CACHE=memory dotnet "$base_dll"
for u in 5331/health 5332/health 5327/health 5329/health 5328/health 5330/health 5302/health 5310/health 5315/health 5307/health 5303/health 5304/health 5308/health 5309/health 5314/health 5305/ 5313/ 5312/ 5306/ 5340/; do wait_up "http://127.0.0.1:$u"; done

# One page target: label, port, the processes whose CPU and memory count toward the request (name:pid variable).
targets=("baseredis|Built-in session over Redis, anti-forgery token in the form (baseline)|5305|web:pid_baseredis redis:pid_redis"
         "basenotoken|Built-in session over Redis, no anti-forgery token|5313|web:pid_basenotoken redis:pid_redis"
         "baseaof|Built-in session over Redis with token, fsync every write (appendfsync always)|5312|web:pid_baseaof redis:pid_redisaof"
         "basememory|Built-in session over in-process memory, with token|5306|web:pid_basememory"
         "cookie|Counter, cookie mode|5304|web:pid_cookie"
         "server|Counter, server-side (embedded SQLite store)|5303|web:pid_server store:pid_kvstore"
         "servernormal|Counter, server-side (embedded), Storage:Sqlite:Synchronous=Normal (no fsync per commit)|5332|web:pid_servernormal store:pid_kvstorenormal"
         "serveroff|Counter, server-side (embedded), telemetry off|5309|web:pid_serveroff store:pid_kvstoreoff"
         "serverexp|Counter, server-side (embedded), exporting to an Aspire dashboard|5314|web:pid_serverexp store:pid_kvstoreexp dashboard:pid_dashboard"
         "serverredis|Counter, server-side (store on Redis backend)|5308|web:pid_serverredis store:pid_kvredis redis:pid_redis"
         "servercluster|Counter, server-side on a Redis Cluster (3 primaries + 3 replicas), each write waits for its replica|5328|web:pid_servercluster store:pid_kvcluster cluster:pid_cluster"
         "servercluster0|Counter, server-side on the same Redis Cluster, no replica wait|5330|web:pid_servercluster0 store:pid_kvcluster0 cluster:pid_cluster")
processes() { # "web:pid_server store:pid_kvstore" -> "web=123 store=456" (BENCH_PROCESSES of bench/result.lua)
  local p v pids out=""; for p in $1; do v=${p#*:}; pids=$(echo ${!v}); out+="${out:+ }${p%%:*}=${pids// /,}"; done; echo "$out"
}
# Each wrk run appends one JSON object to $results (bench/result.lua); round 0 is a warm-up.
script="$root/bench/session.lua"; timelines=""
[ -n "${TIMELINE:-}" ] && { script="$root/bench/timeline.lua"; timelines="$(mktemp -d /tmp/counter-timelines.XXXXXX)"; }
run_page() { # id label port who round
  local cookies="$work/cookies-$1"
  make_sessions "$3" "$users" "$cookies" "$work/jar"
  wait_quiet
  # A target idles while the others run (minutes), and its first second back under load is slower
  # (bench/log.md, "The first second after an idle spell"): each round opens with 2 s it does not count.
  [ "$5" != 0 ] && wrk_page "$1" "$2" "$3" "$4" 0 "$cookies" 2
  wrk_page "$1" "$2" "$3" "$4" "$5" "$cookies" "$duration"
}
wrk_page() { # id label port who round cookies seconds
  local fields="kind=page;target=$1;label=$2;round=$5"
  [ -n "$timelines" ] && fields="$fields;timeline_file=$timelines/$1-$5"
  BENCH_RESULTS="$results" BENCH_RUN="$fields" BENCH_PROCESSES="$(processes "$4")" COOKIES_FILE="$6" TIMELINE_FILE="$timelines/$1-$5" \
    wrk -t"$users" -c"$users" -d"$7s" --timeout 5s -s "$script" "http://127.0.0.1:$3/" >/dev/null
}
bench_results() { python3 "$root/bench/results.py" "$@"; }
bench_results add "$results" kind=run mode="$mode" cores="$(nproc)" users="$users" seconds="$duration" rounds="$rounds" baseline=baseredis compared=server,serverredis
saved_duration=$duration
if [ "$smoke" = 1 ]; then echo "Warming up each target for 2 s..." >&2; else echo "Warming up (JIT, tiered PGO) each target for 10 s, the exporting one for 40 s..." >&2; fi
for t in "${targets[@]}"; do
  IFS='|' read -r id label port who <<<"$t"
  # Exporting adds the exporter's code to compile: measured, its pages/s climb for ~40 s.
  duration=10; [ "$id" = serverexp ] && duration=40; [ "$smoke" = 1 ] && duration=2
  run_page "$id" "$label" "$port" "$who" 0
done
duration=$saved_duration
echo "Page throughput: $users users, ${duration}s per target, $rounds round(s)..." >&2
for round in $(seq 1 "$rounds"); do
  for t in "${targets[@]}"; do IFS='|' read -r id label port who <<<"$t"; run_page "$id" "$label" "$port" "$who" "$round"; done
done
# The tables, from the results file: bench/results.py computes the medians, ratios and per-page CPU.
finish() {
  bench_results render "$results"
  if [ -n "$timelines" ]; then
    echo; bench_results timeline "$results"
    echo "Each page's send time and latency: $timelines" >&2
  fi
  [ "$mode" = full ] && [ -z "${RESULTS:-}" ] && [ -z "${THINK_MS:-}" ] && cp "$results" "$root/bench/latest.jsonl" && results="$root/bench/latest.jsonl"
  echo "Raw results: $results (python3 bench/results.py render FILE prints these tables again)" >&2
  exit 0
}
[ "$pages_only" = 1 ] && finish

# The store's own API: one session-sized key, GET and PUT, on both backends.
kv() { # method key port fields [processes]
  BENCH_RESULTS="$results" BENCH_RUN="$4" BENCH_PROCESSES="${5:-}" KV_CREDENTIAL=$operations_credential KV_METHOD=$1 KV_KEY=$2 \
    wrk -t2 -c32 -d"${duration}s" --timeout 5s -s "$root/bench/kv.lua" "http://127.0.0.1:$3/" >/dev/null
}
for b in "embedded SQLite|5302" "Redis backend (redis-server)|5307"; do
  IFS='|' read -r label port <<<"$b"
  kv PUT bench-key "$port" "kind=kv;backend=$label;operation=PUT;round=0" # create it
  for m in PUT GET; do kv "$m" bench-key "$port" "kind=kv;backend=$label;operation=$m;round=1"; done
done

[ "$smoke" = 1 ] && finish

# Memory and latency with many live sessions (embedded engine), and the 1,000,000-key dump.
populate() { # add $1 session-sized keys in bulk POSTs of 1000
  python3 - "$1" "$2" "$operations_credential" <<'PY'
import json, sys, urllib.request
count, start, key = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
value = {"v": 1, "created": 1764446000000, "seen": 1764446000000, "data": {"count": 42}}
for batch in range(start, start + count, 1000):
    body = json.dumps({f"session:{i:043d}": value for i in range(batch, min(batch + 1000, start + count))}).encode()
    urllib.request.urlopen(urllib.request.Request("http://127.0.0.1:5302/", body, {"Content-Type": "application/json", "Authorization": "Bearer " + key})).read()
PY
}
db_bytes() { du -sb "$work/kv" | cut -f1; }
have=0
for n in 1000 100000 1000000; do
  populate $((n - have)) "$have"; have=$n
  curl -fs -o /dev/null -H "Authorization: Bearer $operations_credential" -H 'Content-Type: application/json' -X PUT -d '{"v":1}' "http://127.0.0.1:5302/v1/keys/session:$(printf '%043d' $((n / 2)))"
  kv GET "session:$(printf '%043d' $((n / 2)))" 5302 "kind=sessions;sessions=$n;disk_bytes=$(db_bytes);round=1" "store=$pid_kvstore"
done
start_ms=$(date +%s%3N)
/usr/bin/time -f "%M" -o "$work/dump-mem" env KVSTORE_CREDENTIAL=$operations_credential dotnet "$kv_dll" dump --url http://127.0.0.1:5302 >"$work/dump.txt"
bench_results add "$results" kind=dump lines="$(wc -l <"$work/dump.txt")" ms=$(( $(date +%s%3N) - start_ms )) client_peak_kib="$(cat "$work/dump-mem")" --process store="$pid_kvstore"
finish
