# Shared by the bench scripts (sourced): the credentials they hand to the services they
# start, and the helpers that wait for a service and make sessions (bench/result.lua reads each
# process's CPU and memory during a wrk run).
# operations_credential: the store's (seeding, the dump, the KV rows); web_credential: the web tier's.
operations_credential="bench-credential-0123456789abcdef"
web_credential="bench-web-credential-0123456789abcdef"
secret="bench-session-secret-0123456789abcdef0123456789"
# Every load comes from 127.0.0.1: per-client limits this high never refuse, but still cost their CPU.
web_limits="RateLimit__PagesPerWindow=1000000000 RateLimit__NewSessionsPerWindow=1000000000"

wait_up() { for _ in $(seq 1 150); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "$1 did not come up" >&2; exit 1; }

make_sessions() { # port users cookies-file jar: one session per user, made like a browser would;
  # writes one Cookie header value per line (what bench/session.lua replays, one line per wrk thread)
  local port=$1 users=$2 cookies=$3 jar=$4
  : >"$cookies"
  for _ in $(seq 1 "$users"); do
    rm -f "$jar"; curl -fs -c "$jar" -b "$jar" -o /dev/null "http://127.0.0.1:$port/"
    awk -F'\t' '!/^#/ || /^#HttpOnly_/ {if (NF>=7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7} END {print ""}' "$jar" >>"$cookies"
  done
}
