#!/usr/bin/env bash
# Builds depin-node (debug profile, runtime wasm included) and the subxt decoder the explorers'
# test runs into $CARGO_TARGET_DIR.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
log "building depin-node into $CARGO_TARGET_DIR"
cargo build --locked -p depin-node -p depin-subxt-decode "$@"
