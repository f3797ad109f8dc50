#!/usr/bin/env bash
# Runs every test: cargo tests (runtime, node, chain-spec drift, the runtime fuzzer's short run of
# 10,000 executions, the escrow state machine), the dashboard's unit tests, then the end-to-end
# tests against the real depin-node (dev chain, explorers' tools and the dashboard in headless
# Chromium, the 4-validator kill/restart test, the node under abuse, crashes, and validators and
# governance on the local network: a validator added and removed by council motion, a GRANDPA
# double vote slashed, a runtime upgrade with a storage migration).
# Installs whatever is missing first. Extra arguments go to `node --test` (e.g. a test file).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

started=$SECONDS
"$REPO_ROOT/scripts/setup.sh"

"$REPO_ROOT/scripts/build.sh"
log "build done after $((SECONDS - started)) s"

log "cargo tests"
cargo test --locked --workspace

log "explorer dashboard unit tests (formatting, server)"
(cd "$REPO_ROOT/explorer" && npm test --silent)

export DEPIN_E2E_LOG_DIR="${DEPIN_E2E_LOG_DIR:-$(mktemp -d /tmp/depin-e2e-logs.XXXXXX)}"
log "polkadot.js end-to-end tests (node logs in $DEPIN_E2E_LOG_DIR)"
cd "$REPO_ROOT/scripts/e2e"
if [ $# -gt 0 ]; then
	node --test --test-concurrency=1 "$@"
else
	node --test --test-concurrency=1 tests/
fi
log "all tests passed in $((SECONDS - started)) s"
