# Shared settings for the scripts. Source it; do not run it.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The build lives outside the checkout so a fresh clone (and CI) reuses it.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/depin-target}"
DEPIN_NODE_BIN="${DEPIN_NODE_BIN:-$CARGO_TARGET_DIR/debug/depin-node}"
export DEPIN_NODE_BIN
# Raw chain specs of the built-in chains, exported from the node binary (raw_spec below): a node
# started from one does not run the runtime to build its genesis.
DEPIN_SPEC_DIR="${DEPIN_SPEC_DIR:-$CARGO_TARGET_DIR/chain-specs}"
export DEPIN_SPEC_DIR
# wasmtime's on-disk cache of compiled runtimes, shared by every node the scripts and tests start.
DEPIN_WASM_CACHE_DIR="${DEPIN_WASM_CACHE_DIR:-$CARGO_TARGET_DIR/wasm-cache}"
export DEPIN_WASM_CACHE_DIR
# The runtime of the next spec_version the governance test upgrades to (scripts/build.sh).
UPGRADE_WASM_DIR="${UPGRADE_WASM_DIR:-$CARGO_TARGET_DIR/upgrade-rehearsal}"
export UPGRADE_WASM_DIR
# The stamp of the last rehearsal build (scripts/build.sh): every cargo run sees the same one,
# so the runtime's wasm is not rebuilt merely because the variable changed.
if [ -f "$UPGRADE_WASM_DIR/stamp" ]; then
	DEPIN_WASM_REBUILD_STAMP="$(cat "$UPGRADE_WASM_DIR/stamp")"
	export DEPIN_WASM_REBUILD_STAMP
fi

# NVIDIA's public attestation test vectors (an H100 report, its chain, NVIDIA's device root),
# unpacked by scripts/nvtrust-vectors.sh from the pinned verifier wheel; the tests and the
# benchmark read them here. A second chip's pair, for reading, sits beside the checkout where a
# developer machine has it (../shared/vectors/nvtrust); tests of it are skipped without it.
DEPIN_NVTRUST_VECTORS="${DEPIN_NVTRUST_VECTORS:-/var/tmp/depin-vectors/nvtrust}"
export DEPIN_NVTRUST_VECTORS
if [ -z "${DEPIN_NVTRUST_SECOND_PAIR:-}" ] && [ -f "$REPO_ROOT/../shared/vectors/nvtrust/attestationReport.txt" ]; then
	DEPIN_NVTRUST_SECOND_PAIR="$(cd "$REPO_ROOT/../shared/vectors/nvtrust" && pwd)"
	export DEPIN_NVTRUST_SECOND_PAIR
fi

# spec_version_of WASM: the spec_version in a runtime blob's `runtime_version` custom section.
spec_version_of() {
	python3 - "$1" <<'PY'
import sys

data = open(sys.argv[1], "rb").read()
assert data[:4] == b"\0asm", "not a wasm blob"

def leb(buf, i):
    value = shift = 0
    while True:
        byte = buf[i]; i += 1
        value |= (byte & 0x7F) << shift; shift += 7
        if byte < 0x80:
            return value, i

def compact(buf, i):  # SCALE compact length of spec_name / impl_name
    mode = buf[i] & 3
    if mode == 0:
        return buf[i] >> 2, i + 1
    if mode == 1:
        return int.from_bytes(buf[i:i + 2], "little") >> 2, i + 2
    return int.from_bytes(buf[i:i + 4], "little") >> 2, i + 4

i = 8
while i < len(data):
    kind = data[i]
    size, i = leb(data, i + 1)
    end = i + size
    if kind == 0:
        name_len, j = leb(data, i)
        if data[j:j + name_len] == b"runtime_version":
            j += name_len
            for _ in range(2):  # spec_name, impl_name
                n, j = compact(data, j)
                j += n
            j += 4  # authoring_version
            print(int.from_bytes(data[j:j + 4], "little"))
            sys.exit(0)
    i = end
sys.exit("no runtime_version section")
PY
}

# raw_spec NAME: the path of the raw spec of built-in chain NAME (dev|local) as $DEPIN_NODE_BIN
# exports it, $DEPIN_SPEC_DIR/NAME-raw.json; exported again when missing or older than the binary
# (under a temporary name, then renamed: parallel callers never read half a file). Same name, id,
# properties and genesis (hash) as `--chain NAME`.
raw_spec() {
	local file="$DEPIN_SPEC_DIR/$1-raw.json" out
	if [ ! -f "$file" ] || [ "$DEPIN_NODE_BIN" -nt "$file" ]; then
		mkdir -p "$DEPIN_SPEC_DIR"
		if ! out="$("$DEPIN_NODE_BIN" export-chain-spec --chain "$1" --raw --output "$file.$$.tmp" 2>&1)"; then
			rm -f "$file.$$.tmp"
			die "$DEPIN_NODE_BIN could not export the $1 chain spec: $out"
		fi
		mv "$file.$$.tmp" "$file"
	fi
	echo "$file"
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
