# Shared by the bench scripts (sourced): the credentials they hand to the services they
# start, and the helpers that wait for a service and make sessions (bench/result.lua reads each
# process's CPU and memory during a wrk run).
# operations_credential: the store's (seeding, the dump, the KV rows); web_credential: the web tier's.
operations_credential="bench-credential-0123456789abcdef"
web_credential="bench-web-credential-0123456789abcdef"
secret="bench-session-secret-0123456789abcdef0123456789"
# Every load comes from 127.0.0.1: per-client limits this high never refuse, but still cost their CPU.
web_limits="RateLimit__PagesPerWindow=1000000000 RateLimit__NewSessionsPerWindow=1000000000"

# The folder a service starts in: that of the .dll it runs (its content root, where its appsettings.json is, as when
# deployed), else an empty one. Never $work: a .NET host watches its content root's whole tree for configuration
# changes, so every commit and log line written under it would wake every such process (measured in bench/log.md).
run_dir() { local a dir="$work/cwd"; for a; do case "$a" in *.dll) dir="$(dirname "$a")" ;; esac; done; mkdir -p "$dir"; echo "$dir"; }

start() { # name command...: starts it in the background in its own folder (run_dir), its output in $work/name.log;
  # sets pid_name to its pid and adds it to pids
  local name=$1; shift
  ( cd "$(run_dir "$@")" && exec env "$@" ) >"$work/$name.log" 2>&1 &
  pids+=($!); eval "pid_$name=$!"
}

release_dll() { # project folder [checkout, else this one]: its Release build's .dll (each script builds it first)
  echo "${2:-$root}/$1/bin/Release/net10.0/${1##*/}.dll"
}

wait_up() { for _ in $(seq 1 150); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "$1 did not come up" >&2; exit 1; }

wait_quiet() { # waits, at most 30 s, until the machine's cores are at most 10 % busy over half a second, so
  # what one run leaves behind (an exporter's backlog, the dashboard digesting it) does not land in the next
  local a b _
  for _ in $(seq 1 60); do
    read -ra a < <(head -1 /proc/stat); sleep 0.5; read -ra b < <(head -1 /proc/stat)
    local total=0 idle=$(( b[4] + b[5] - a[4] - a[5] )) i
    for i in 1 2 3 4 5 6 7 8; do total=$(( total + b[i] - a[i] )); done
    [ $(( (total - idle) * 10 )) -le "$total" ] && return 0
  done
  echo "the machine stayed busy for 30 s before a run" >&2
}

make_sessions() { # port users cookies-file jar: one session per user, made like a browser would;
  # writes one Cookie header value per line (what bench/session.lua replays, one line per wrk thread)
  local port=$1 users=$2 cookies=$3 jar=$4
  : >"$cookies"
  for _ in $(seq 1 "$users"); do
    rm -f "$jar"; curl -fs -c "$jar" -b "$jar" -o /dev/null "http://127.0.0.1:$port/"
    awk -F'\t' '!/^#/ || /^#HttpOnly_/ {if (NF>=7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7} END {print ""}' "$jar" >>"$cookies"
  done
}

start_redis_cluster() { # folder port x6: a Redis Cluster of 3 primaries with 1 replica each (the test
  # suite's topology), in memory, on these ports; sets cluster_pids (for the CPU figures) and
  # cluster_nodes (the primaries, as the store's connection string) and adds the nodes to pids
  local folder=$1 p; shift
  cluster_pids=""
  for p in "$@"; do
    mkdir -p "$folder/$p"
    redis-server --port "$p" --bind 127.0.0.1 --dir "$folder/$p" --cluster-enabled yes --cluster-config-file nodes.conf \
      --cluster-node-timeout 2000 --cluster-require-full-coverage no --save "" --appendonly no >"$folder/$p.log" 2>&1 &
    pids+=($!); cluster_pids="$cluster_pids$! "
  done
  for p in "$@"; do for _ in $(seq 1 50); do [ "$(redis-cli -p "$p" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done; done
  redis-cli --cluster create $(printf '127.0.0.1:%s ' "$@") --cluster-replicas 1 --cluster-yes >"$folder/create.log" 2>&1
  for _ in $(seq 1 100); do [ "$(redis-cli -p "$1" info replication | grep -c 'state=online')" = 1 ] \
    && redis-cli -p "$1" cluster info | grep -q cluster_state:ok && break; sleep 0.1; done
  cluster_nodes="127.0.0.1:$1,127.0.0.1:$2,127.0.0.1:$3"
}

start_counter() { # store-port web-port env-words...: one embedded store (data in $work/kv) and one web in front of
  # it, Release builds, each started in its own folder (run_dir), with the environment words given to both; sets kv
  # and web to their pids, adds them to pids (kv first), and waits until both answer
  local kvport=$1 webport=$2; shift 2
  start kv "$@" ASPNETCORE_URLS=http://127.0.0.1:$kvport Credentials__Web=$web_credential Credentials__Operations=$operations_credential \
    Storage__Sqlite__DataPath="$work/kv" dotnet "$(release_dll Counter.KvStore)"; kv=$pid_kv
  # shellcheck disable=SC2086 # web_limits is a word list on purpose
  start web "$@" ASPNETCORE_URLS=http://127.0.0.1:$webport KvStoreClient__Credential=$web_credential $web_limits Session__KeySecret=$secret \
    KeyRing__KeyEncryptionKey=$secret KvStoreClient__BaseAddress=http://127.0.0.1:$kvport dotnet "$(release_dll Counter.Web)"; web=$pid_web
  wait_up "http://127.0.0.1:$kvport/health"; wait_up "http://127.0.0.1:$webport/health"
}
