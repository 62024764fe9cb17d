# Shared by bench/run.sh and bench/ab.sh (sourced): the credentials they hand to the services they
# start, and the helpers both need to make sessions and read a process's CPU and memory.
# operations_credential: the store's (seeding, the dump, the KV rows); web_credential: the web tier's.
operations_credential="bench-credential-0123456789abcdef"
web_credential="bench-web-credential-0123456789abcdef"
secret="bench-session-secret-0123456789abcdef0123456789"
# Every load comes from 127.0.0.1: per-client limits this high never refuse, but still cost their CPU.
web_limits="RateLimit__PagesPerWindow=1000000000 RateLimit__NewSessionsPerWindow=1000000000"

wait_up() { for _ in $(seq 1 150); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "$1 did not come up" >&2; exit 1; }

cpu_ms() { # user+system CPU of one or more pids, in ms
  local p t=0; for p in "$@"; do t=$(( t + $(awk '{print ($14+$15)*10}' "/proc/$p/stat") )); done; echo "$t"
}
peak_mb() { # peak RSS of one or more pids, summed, in MiB
  local p t=0; for p in "$@"; do t=$(( t + $(awk '/VmHWM/ {print $2}' "/proc/$p/status") )); done; awk -v k="$t" 'BEGIN {printf "%.0f", k/1024}'
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
