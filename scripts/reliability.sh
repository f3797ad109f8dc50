#!/usr/bin/env bash
# Measures the figures of docs/reliability.md and rewrites its table: the runtime fuzzer's short
# run, the escrow state machine, the RPC/pool/probe abuse and the crash end-to-end tests, each
# recording what it did; with --long also the long libFuzzer run (scripts/fuzz.sh, 1,000,000
# executions unless DEPIN_FUZZ_RUNS says otherwise; without it the table keeps the last long
# run's figures, fuzz/last-long-run.json).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

DEPIN_FIGURES_DIR="$(mktemp -d /tmp/depin-figures.XXXXXX)"
export DEPIN_FIGURES_DIR
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"
log "short fuzz run and escrow state machine"
cargo test --locked -p depin-fuzz --test short_run
cargo test --locked -p depin-simulation --test escrow
if [ "${1:-}" = "--long" ]; then
	"$REPO_ROOT/scripts/fuzz.sh" "${DEPIN_FUZZ_RUNS:-1000000}"
elif [ -f fuzz/last-long-run.json ]; then
	cp fuzz/last-long-run.json "$DEPIN_FIGURES_DIR/fuzz-long.json"
fi
log "abuse and crash end-to-end tests"
(cd "$REPO_ROOT/scripts/e2e" && node --test --test-concurrency=1 tests/rpc-abuse.test.mjs tests/crash.test.mjs)
node "$REPO_ROOT/scripts/reliability-table.mjs" "$DEPIN_FIGURES_DIR"
log "figures in $DEPIN_FIGURES_DIR; docs/reliability.md updated"
