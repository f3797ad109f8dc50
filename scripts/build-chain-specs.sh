#!/usr/bin/env bash
# Regenerates the checked-in chain specs from the runtime's genesis presets:
#   chain-spec/dev.json        development chain, plain (readable genesis)
#   chain-spec/local.json      4-validator local testnet, plain
#   chain-spec/local-raw.json  4-validator local testnet, raw (what nodes boot a network from)
# `cargo test -p depin-node` fails when these drift from the presets.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
[ -x "$DEPIN_NODE_BIN" ] || "$REPO_ROOT/scripts/build.sh"
mkdir -p chain-spec
"$DEPIN_NODE_BIN" build-spec --chain dev --disable-default-bootnode 2>/dev/null >chain-spec/dev.json
"$DEPIN_NODE_BIN" build-spec --chain local --disable-default-bootnode 2>/dev/null >chain-spec/local.json
"$DEPIN_NODE_BIN" build-spec --chain local --disable-default-bootnode --raw 2>/dev/null \
	>chain-spec/local-raw.json
log "wrote $(ls chain-spec/*.json | tr '\n' ' ')"
