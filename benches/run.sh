#!/usr/bin/env bash
# Runs the performance benchmarks and prints the table (figure, min / median / max over the
# re-execution runs, baseline, ratio, target), stamped with the commit, the machine and the date:
#   1. a usage report (1, 16, the most leases) against transfer_keep_alive, per extrinsic of
#      full blocks: execution time (cold) and consumed weight; and on small blocks, cold and warm;
#   2. empty, epoch-closing and typical block execution time with 10, 1,000 and 100,000 open
#      leases, cold and warm;
#   3. lease-usage records settled per block, and Aethir's scale as a share of block weight;
#   4. transfers/s and reports/s on a live node loaded with both;
#   5. off-chain worker latency, from the probe's reading to the report's inclusion.
# One release build of depin-node (with the benchmark CLI) does all of it: seeded market chain
# specs (depin-market-spec), live runs over loopback with polkadot.js (live.mjs), block
# re-execution (`depin-node benchmark block`, lib/reexecute.mjs), then report.mjs.
# BENCH_REPEAT (default 10) re-execution runs per block, each a `benchmark block` process per
# mode; BENCH_WARM_REPEAT (default 20) warm executions a run. ~20 min after the build on the
# 2-core machine (16.5 min measured before the runs became processes; they add ~2-5 min).
# Results: $DEPIN_BENCH_OUT (default $CARGO_TARGET_DIR/bench-results).
set -euo pipefail
source "$(dirname "$0")/../scripts/lib.sh"
cd "$REPO_ROOT"

"$REPO_ROOT/scripts/setup.sh"
log "building release depin-node (runtime-benchmarks) and depin-market-spec"
cargo build --locked --release -p depin-node -p depin-benches --features depin-node/runtime-benchmarks
export DEPIN_NODE_BIN="$CARGO_TARGET_DIR/release/depin-node"
out="${DEPIN_BENCH_OUT:-$CARGO_TARGET_DIR/bench-results}"
mkdir -p "$out"
export DEPIN_E2E_LOG_DIR="$out/logs"

# leases providers large(max leases each) medium(16 each) plan
markets=("10 1 0 0 typical" "1000 100 0 0 typical" "100000 10000 32 400 full")
for market in "${markets[@]}"; do
	read -r leases providers large medium plan <<<"$market"
	log "market of $leases leases, $providers providers: chain spec"
	"$CARGO_TARGET_DIR/release/depin-market-spec" --leases "$leases" --providers "$providers" \
		--large-providers "$large" --medium-providers "$medium" --senders 100 \
		--out "$out/spec-$leases.json" --manifest "$out/manifest-$leases.json"
	log "market of $leases leases: live run ($plan)"
	node benches/live.mjs --spec "$out/spec-$leases.json" --manifest "$out/manifest-$leases.json" \
		--plan "$plan" --repeat "${BENCH_REPEAT:-10}" --warm-repeat "${BENCH_WARM_REPEAT:-20}" \
		--out "$out/results-$leases.json"
done

node benches/report.mjs --full "$out/results-100000.json" \
	--sizes "$out/results-10.json,$out/results-1000.json,$out/results-100000.json" \
	--json "$out/table.json" | tee "$out/table.txt"
log "benches/run.sh took $((SECONDS / 60)) min $((SECONDS % 60)) s"
