#!/usr/bin/env bash
# Paired A/B comparison of two configurations of Counter's server-side mode (web + embedded store),
# for changes smaller than the run-to-run drift of a shared machine: both configurations run at
# once and the load alternates A, B, A, B..., so slow drift hits both alike. Prints per-round
# pages/s, CPU µs per page of each process, p99, and the mean B/A ratio and peak memory; the raw
# results (one JSON object per wrk run) stay in RESULTS=file, else in a temporary file it names.
#   bash bench/ab.sh 'ENV for A' 'ENV for B'      # e.g. '' 'DOTNET_GCgen0size=0x2000000'
#   A_ROOT=/path/to/other/checkout bash bench/ab.sh '' ''   # compare two checkouts (each built in Release)
#   ROUNDS=4 SECONDS_PER_ROUND=6 MODE=ServerSide|Cookie USERS=32
#   BACKEND=embedded (default) or BACKEND=cluster: both stores on one Redis Cluster the script starts
#   (3 primaries + 3 replicas, each write waiting for its replica: Storage:Redis:ReplicaAcknowledgements=1)
#   LOAD=pages (default: users loading pages from web) or LOAD=kv-get (single-key GETs from each side's store)
#   TELEMETRY=shipped (the default: the OpenTelemetry SDK on, as a user runs the services; no
#   exporter, since no dashboard is listening) or TELEMETRY=off (OTEL_SDK_DISABLED=true)
# The environment strings apply to both the web and the store process of their side; STORE_A,
# STORE_B, WEB_A and WEB_B add settings for one process of one side (STORE_B='DOTNET_...=0').
# PUBLISH_A / PUBLISH_B run that side from `dotnet publish` output built with these arguments instead
# of the build output, for settings that only publishing applies:
#   PUBLISH_B='-r linux-x64 --self-contained false -p:PublishReadyToRun=true' bash bench/ab.sh '' ''
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
a_root="${A_ROOT:-$here}"; b_root="${B_ROOT:-$here}"
source "$here/bench/common.sh"
rounds="${ROUNDS:-4}"; secs="${SECONDS_PER_ROUND:-6}"; users="${USERS:-32}"; mode="${MODE:-ServerSide}"
for t in wrk python3; do command -v "$t" >/dev/null || { echo "install $t (apt-get install $t)" >&2; exit 2; }; done
work="$(mktemp -d /tmp/counter-ab.XXXXXX)"; pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

for side in A B; do
  r=$(eval echo "\$${side,,}_root"); publish=$(eval echo "\${PUBLISH_$side:-}")
  for p in Counter.Web Counter.KvStore; do
    if [ -n "$publish" ]; then
      # shellcheck disable=SC2086 # the publish arguments are a word list on purpose
      dotnet publish "$r/$p" -c Release -v q -nologo $publish -o "$work/bin$side/$p" >/dev/null
      eval "dll_${side}_${p#Counter.}=$work/bin$side/$p/$p.dll"
    else
      dotnet build "$r/$p" -c Release -v q -nologo >/dev/null
      eval "dll_${side}_${p#Counter.}=$(release_dll "$p" "$r")"
    fi
  done
done
case "${BACKEND:-embedded}" in
  embedded) backend="" ;;
  cluster)
    start_redis_cluster "$work/cluster" 5341 5342 5343 5344 5345 5346
    backend="Storage__Backend=Redis ConnectionStrings__redis=$cluster_nodes Storage__Redis__ReplicaAcknowledgements=1" ;;
  *) echo "BACKEND must be embedded or cluster" >&2; exit 2 ;;
esac
quiet="Logging__LogLevel__Default=Warning Logging__LogLevel__Microsoft.AspNetCore=Warning"
case "${TELEMETRY:-shipped}" in
  shipped) ;;
  off) quiet="$quiet OTEL_SDK_DISABLED=true" ;;
  *) echo "TELEMETRY must be shipped or off" >&2; exit 2 ;;
esac
# The credential settings are given under every name they have had (Credentials and KvStoreClient:Credential;
# KvClient:Credential; Access:WebKey/OperationsKey/ApiKey, KvClient:ApiKey and KvStore:ApiKey), and so are web's
# store address and key-encryption key (KvStoreClient:BaseAddress, KvClient:BaseAddress, KvStore:BaseAddress;
# KeyRing:KeyEncryptionKey, DataProtection:KeyEncryptionKey) and the data folder (Storage:Sqlite:DataPath,
# Storage:DataPath), so an older checkout can be one side.
start_side() { # side env kvport webport
  local side=$1 extra=$2 kv=$3 web=$4
  # shellcheck disable=SC2086 # the environment strings are word lists on purpose
  start kv$side $quiet $backend $extra $(eval echo "\${STORE_$side:-}") ASPNETCORE_URLS=http://127.0.0.1:$kv Credentials__Web=$web_credential Credentials__Operations=$operations_credential Access__WebKey=$web_credential Access__OperationsKey=$operations_credential Access__ApiKey=$web_credential KvStore__ApiKey=$web_credential Storage__DataPath="$work/kv$side" Storage__Sqlite__DataPath="$work/kv$side" \
    dotnet "$(eval echo "\$dll_${side}_KvStore")"
  eval "kv_$side=\$pid_kv$side"
  # shellcheck disable=SC2086
  start web$side $quiet $extra $(eval echo "\${WEB_$side:-}") ASPNETCORE_URLS=http://127.0.0.1:$web KvStoreClient__Credential=$web_credential KvClient__Credential=$web_credential KvClient__ApiKey=$web_credential $web_limits KvStore__ApiKey=$web_credential Session__KeySecret=$secret KeyRing__KeyEncryptionKey=$secret DataProtection__KeyEncryptionKey=$secret \
    Session__Mode=$mode KvStoreClient__BaseAddress=http://127.0.0.1:$kv KvClient__BaseAddress=http://127.0.0.1:$kv KvStore__BaseAddress=http://127.0.0.1:$kv dotnet "$(eval echo "\$dll_${side}_Web")"
  eval "web_$side=\$pid_web$side"
  wait_up "http://127.0.0.1:$kv/health"; wait_up "http://127.0.0.1:$web/health"
  make_sessions "$web" "$users" "$work/cookies$side" "$work/jar"
}
start_side A "${1:-}" 5321 5322
start_side B "${2:-}" 5323 5324
# Each wrk run appends one JSON object to the results file (bench/result.lua: pages, latency, each
# process's CPU and memory); bench/results.py prints the rounds, the peaks and the mean B/A from it.
results="${RESULTS:-$(mktemp /tmp/counter-ab-XXXXXX.jsonl)}"; : >"$results"
case "${LOAD:-pages}" in
  pages) port_A=5322; port_B=5324; script="$here/bench/session.lua" ;;
  kv-get) # One session-sized key per side, read over and over from the store itself.
    port_A=5321; port_B=5323; script="$here/bench/kv.lua"
    for p in 5321 5323; do
      curl -fs -o /dev/null -X PUT -H "Authorization: Bearer $operations_credential" -H 'Content-Type: application/json' \
        -d '{"v":1,"data":{"count":42}}' "http://127.0.0.1:$p/v1/keys/bench-key"
    done ;;
  *) echo "LOAD must be pages or kv-get" >&2; exit 2 ;;
esac
load() { # side seconds round
  BENCH_RESULTS="$results" BENCH_RUN="kind=ab;side=$1;round=$3" BENCH_PROCESSES="web=$(eval echo "\$web_$1") store=$(eval echo "\$kv_$1")" \
    BENCH_DIR="$here/bench" COOKIES_FILE="$work/cookies$1" KV_CREDENTIAL=$operations_credential \
    wrk -t"$users" -c"$users" -d"$2s" --timeout 5s -s "$script" "http://127.0.0.1:$(eval echo "\$port_$1")/" >/dev/null
}
load A 12 0; load B 12 0 # JIT warm-up (tiered PGO)
for i in $(seq 1 "$rounds"); do
  load A "$secs" "$i"; load B "$secs" "$i"
  python3 "$here/bench/results.py" ab "$results" --round "$i"
done
python3 "$here/bench/results.py" ab "$results" --totals
echo "Raw results: $results (python3 bench/results.py ab FILE prints these lines again)" >&2
