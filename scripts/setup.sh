#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there:
# C toolchain deps (apt), the pinned Rust toolchain and wasm target, and the npm packages of
# the end-to-end tests and benchmarks.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_apt=()
command -v clang >/dev/null || need_apt+=(clang)
ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || need_apt+=(libclang-dev)
command -v protoc >/dev/null || need_apt+=(protobuf-compiler)
command -v node >/dev/null || need_apt+=(nodejs npm)
# The dashboard's browser test drives Debian's Chromium (never a downloaded browser).
command -v chromium >/dev/null || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
	log "installing apt packages: ${need_apt[*]}"
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

command -v rustup >/dev/null || die "rustup is required (https://rustup.rs)"
# rust-toolchain.toml names the channel, components and wasm target; this installs them once.
(cd "$REPO_ROOT" && rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install)
toolchain="$(sed -n 's/^channel = "\(.*\)"/\1/p' "$REPO_ROOT/rust-toolchain.toml")"
rustup target list --installed --toolchain "$toolchain" | grep -qx wasm32v1-none \
	|| rustup target add wasm32v1-none --toolchain "$toolchain"

# npm packages of the end-to-end tests, the dashboard and the live benchmarks, each from its
# lockfile.
for dir in "$REPO_ROOT/scripts/e2e" "$REPO_ROOT/explorer" "$REPO_ROOT/benches"; do
	stamp="$dir/node_modules/.depin-lock-sha256"
	want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
	if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
		log "installing npm packages of ${dir#"$REPO_ROOT"/} (npm ci, from package-lock.json)"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
		echo "$want" >"$stamp"
	fi
done

# py-substrate-interface for the explorers' test, in a venv pinned by hashes.
"$REPO_ROOT/scripts/explorer-tools/setup-venv.sh" >/dev/null
