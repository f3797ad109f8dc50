# Shared settings for the scripts. Source it; do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The build lives outside the checkout so a fresh clone (and CI) reuses it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/depin-target}"
DEPIN_NODE_BIN="${DEPIN_NODE_BIN:-$CARGO_TARGET_DIR/debug/depin-node}"
export DEPIN_NODE_BIN

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
