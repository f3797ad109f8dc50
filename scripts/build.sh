#!/usr/bin/env bash
# Builds depin-node (debug profile, runtime wasm included) and the subxt decoder the explorers'
# test runs into $CARGO_TARGET_DIR, and the runtime's next spec_version (`upgrade-rehearsal`),
# which the governance test enacts by council motion, into
# $UPGRADE_WASM_DIR/depin_runtime.wasm ($CARGO_TARGET_DIR/upgrade-rehearsal). Then exports the
# raw chain specs of the dev and local chains from the node into $DEPIN_SPEC_DIR
# ($CARGO_TARGET_DIR/chain-specs; again whenever the node is newer than them), which the
# end-to-end tests and scripts/local-net.sh start nodes from.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

# Both runtime variants write the wasm builder's one output file, which the runtime crate embeds.
# So the rehearsal is built first and copied aside, and a new stamp (runtime/build.rs watches it)
# then makes the normal build write its own wasm again before the node embeds it. Skipped while
# the copy is newer than every runtime source.
rehearsal="$UPGRADE_WASM_DIR/depin_runtime.wasm"
if [ ! -f "$rehearsal" ] ||
	[ -n "$(find runtime pallets primitives Cargo.lock -newer "$rehearsal" -type f -print -quit)" ]; then
	log "building the upgrade-rehearsal runtime into $UPGRADE_WASM_DIR"
	stamp="$(date +%s%N)"
	DEPIN_WASM_REBUILD_STAMP="$stamp" cargo build --locked -p depin-runtime --features upgrade-rehearsal "$@"
	mkdir -p "$UPGRADE_WASM_DIR"
	cp "$CARGO_TARGET_DIR/debug/wbuild/depin-runtime/depin_runtime.wasm" "$rehearsal.tmp"
	mv "$rehearsal.tmp" "$rehearsal"
	echo "$stamp" >"$UPGRADE_WASM_DIR/stamp"
	export DEPIN_WASM_REBUILD_STAMP="$stamp"
fi

log "building depin-node into $CARGO_TARGET_DIR"
cargo build --locked -p depin-node -p depin-subxt-decode "$@"

# The node must embed the current version and the rehearsal the next one.
node_spec="$(spec_version_of "$CARGO_TARGET_DIR/debug/wbuild/depin-runtime/depin_runtime.wasm")"
next_spec="$(spec_version_of "$rehearsal")"
[ "$next_spec" -eq $((node_spec + 1)) ] ||
	die "upgrade-rehearsal runtime has spec_version $next_spec, the node's runtime $node_spec"
log "runtime spec_version $node_spec; upgrade rehearsal $next_spec"

# Nodes started from a raw spec skip building genesis with the runtime (two compiles of it).
raw_spec dev >/dev/null
raw_spec local >/dev/null
log "raw chain specs in $DEPIN_SPEC_DIR"
