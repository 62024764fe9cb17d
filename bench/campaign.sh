#!/usr/bin/env bash
# The fault campaign at full size: every topology, several seeds each, each run checked from its
# recorded history alone; writes bench/campaign-latest.md (docs/reliability.md links it). Usage:
#   bash bench/campaign.sh                                 # 6 topologies x 5 seeds, 90 s of workload each (~60 min)
#   SEEDS=2 SECONDS_PER_RUN=20 bash bench/campaign.sh      # shorter
#   TOPOLOGIES="embedded garnet" CAMPAIGN_SEEDS="595890607 33" bash bench/campaign.sh   # replay given seeds
#   CAMPAIGN_KVSTORE_DLL=/path/Counter.KvStore.dll ...     # run the store campaigns against another build
#   TOPOLOGIES=garnet EARLIER_RUNS=/tmp/counter-campaign.XXXX bash bench/campaign.sh  # re-run one topology, report with the rest
# Each run is one of the campaign tests (Counter.Tests/Reliability) with CAMPAIGN_SEED and
# CAMPAIGN_SECONDS set; it saves its summary (JSON), report, history and timeline, and
# bench/campaign-report.py renders the table from the summaries. Exit status 1 if any run on a
# promised topology found an anomaly or did not finish. Needs what the tests need: redis-server
# (apt), nftables and fiu-utils for partitions and disk faults, chromium for pages, and root.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seeds="${SEEDS:-5}" seconds="${SECONDS_PER_RUN:-90}"
topologies="${TOPOLOGIES:-embedded garnet redis-server redis-cluster-acks1 redis-cluster-acks0 pages}"
out="${OUT:-$root/bench/campaign-latest.md}" pictures="$root/bench/campaign"
runs="$(mktemp -d /tmp/counter-campaign.XXXXXX)"

declare -A tests=(
  [embedded]="FullyQualifiedName~Reliability.StoreCampaignTests.EveryKeyStaysLinearizable"
  [garnet]="FullyQualifiedName~Reliability.GarnetCampaignTests"
  [redis-server]="FullyQualifiedName~Reliability.RedisCampaignTests.EveryKeyStaysLinearizableThroughKillsAndPausesOfRedisServerAndTheStore"
  [redis-cluster-acks1]="FullyQualifiedName~Reliability.RedisCampaignTests.OnAClusterWithReplicaAcknowledgements"
  [redis-cluster-acks0]="FullyQualifiedName~Reliability.RedisCampaignTests.OnAClusterWithoutReplicaAcknowledgements"
  [pages]="FullyQualifiedName~Reliability.PageCampaignTests"
)

commit="$(git -C "$root" rev-parse --short HEAD)" # the code the runs are built from
echo "Building the tests..." >&2
dotnet build "$root/Counter.Tests" -v q -nologo >&2
started=$(date +%s)
for topology in $topologies; do
  filter="${tests[$topology]:?unknown topology $topology (one of: ${!tests[*]})}"
  if [ -n "${CAMPAIGN_SEEDS:-}" ]; then list="$CAMPAIGN_SEEDS"; else list=$(for _ in $(seq 1 "$seeds"); do echo $(( (RANDOM << 15 | RANDOM) )); done); fi
  for seed in $list; do
    dir="$runs/$topology-$seed"; mkdir -p "$dir"
    echo "$(date -u +%H:%M:%S) $topology, seed $seed, ${seconds} s..." >&2
    status=0
    CAMPAIGN_SEED="$seed" CAMPAIGN_SECONDS="$seconds" COUNTER_CAMPAIGN_REPORT_DIR="$dir" \
      dotnet test "$root/Counter.Tests" --no-build --filter "$filter" --logger "console;verbosity=normal" >"$dir/test.log" 2>&1 || status=$?
    echo "$topology $seed $status" >>"$runs/status"
  done
done
echo $(( ( $(date +%s) - started + 59 ) / 60 )) >"$runs/minutes"
echo "$commit" >"$runs/commit"
mkdir -p "$pictures"
status=0
# EARLIER_RUNS="folder ...": earlier runs' folders whose topologies this run did not repeat join the report.
# shellcheck disable=SC2086 # a list of folders
python3 "$root/bench/campaign-report.py" "$pictures" ${EARLIER_RUNS:-} "$runs" >"$out" || status=$?
cat "$out"
echo "Runs (histories, reports, test logs) kept in $runs" >&2
exit "$status"
