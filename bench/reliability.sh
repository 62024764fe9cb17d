#!/usr/bin/env bash
# Counter reliability campaign: prints the table docs/reliability.md links (bench/reliability-latest.md). Usage:
#   bash bench/reliability.sh                  # 200 users x 60 s per load scenario, 5,000 fuzz requests (~11 min)
#   USERS=50 SECONDS_PER_SCENARIO=10 bash bench/reliability.sh   # shorter
# Runs the test suite's reliability scenarios (trait Category=Reliability: load, slow store, hostile
# input, disk full, two stores on one data folder, Redis Cluster failovers in a row, a Redis Cluster
# shard down, Garnet crash) through the real AppHost at campaign size. Every scenario asserts its own
# pass conditions; a failing one fails this script. Disk full needs root. Kills and pauses of the store
# and of a web replica are faults of the page campaign (PageCampaignTests, also Category=Reliability,
# at its CI length here; CAMPAIGN_SEED / CAMPAIGN_SECONDS size it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
report="$(mktemp /tmp/counter-reliability.XXXXXX)"
trap 'rm -f "$report"' EXIT
export COUNTER_RELIABILITY_USERS="${USERS:-200}" COUNTER_RELIABILITY_SECONDS="${SECONDS_PER_SCENARIO:-60}"
export COUNTER_FUZZ_REQUESTS="${FUZZ_REQUESTS:-5000}" COUNTER_RELIABILITY_REPORT="$report"
echo "Running the reliability scenarios: $COUNTER_RELIABILITY_USERS users, ${COUNTER_RELIABILITY_SECONDS}s per load scenario..." >&2
status=0
dotnet test "$root/Counter.Tests" --filter "Category=Reliability" --logger "console;verbosity=minimal" >&2 || status=$?
echo
echo "### Reliability ($(date -u +%Y-%m-%d), $(nproc) cores, bash bench/reliability.sh)"
echo
echo "| scenario | load | faults injected | requests | errors | data lost |"
echo "| --- | --- | --- | ---: | --- | ---: |"
sort "$report"
echo
if [ "$status" = 0 ]; then echo "All scenarios passed their checks."; else echo "Some scenarios FAILED (exit $status): see the test output above."; fi
exit "$status"
