#!/usr/bin/env bash
# Installs what is missing, builds the node and starts a single-validator development chain
# (Alice authors and finalizes; state in a temporary folder). Extra arguments go to depin-node,
# e.g. `scripts/dev.sh --rpc-port 9955`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
"$REPO_ROOT/scripts/setup.sh"
"$REPO_ROOT/scripts/build.sh"
log "starting dev chain: ws://127.0.0.1:9944"
exec "$DEPIN_NODE_BIN" --dev --tmp "$@"
