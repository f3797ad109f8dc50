#!/usr/bin/env bash
# Regenerates the weights.rs of our pallets from their FRAME v2 benchmarks:
# builds a release depin-node with `runtime-benchmarks` (the build benches/run.sh uses too) and
# runs `depin-node benchmark pallet` for each pallet, writing pallets/<name>/src/weights.rs.
# Release, because the host functions the runtime calls (storage, hashing, signatures) run
# native code whose debug build would inflate every weight.
# Usage: scripts/benchmark-weights.sh [pallet-dir ...]   (default: every pallet)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

cargo build --locked --release -p depin-node -p depin-benches --features depin-node/runtime-benchmarks
bench_bin="$CARGO_TARGET_DIR/release/depin-node"

pallets=("$@")
if [ ${#pallets[@]} -eq 0 ]; then
	for dir in pallets/*/; do [ -f "$dir/src/benchmarking.rs" ] && pallets+=("$(basename "$dir")"); done
fi
for name in "${pallets[@]}"; do
	pallet="pallet_${name//-/_}"
	steps="${BENCH_STEPS:-50}" repeat="${BENCH_REPEAT:-20}"
	# Attestation's worst cases set up hundreds of leases per run: fewer, still linear, samples.
	if [ "$name" = attestation ]; then steps="${BENCH_STEPS:-20}" repeat="${BENCH_REPEAT:-10}"; fi
	log "benchmarking $pallet (steps $steps, repeat $repeat)"
	"$bench_bin" benchmark pallet \
		--runtime "$CARGO_TARGET_DIR/release/wbuild/depin-runtime/depin_runtime.wasm" \
		--genesis-builder=runtime \
		--genesis-builder-preset=development \
		--pallet "$pallet" \
		--extrinsic '*' \
		--steps "$steps" \
		--repeat "$repeat" \
		--template scripts/frame-weight-template.hbs \
		--output "pallets/$name/src/weights.rs"
done
