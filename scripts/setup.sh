#!/usr/bin/env bash
# Installs what building and testing need, skipping whatever is already there:
#
#   scripts/setup.sh           both parts below, one after the other
#   scripts/setup.sh --build   what the build needs: C toolchain deps (apt) and the pinned Rust
#                              toolchain and wasm target
#   scripts/setup.sh --test    what only the tests need: Node.js and Debian's Chromium (apt), the
#                              npm packages of the end-to-end tests, the dashboard and the
#                              benchmarks, and the explorers' Python venv; scripts/test.sh runs
#                              this part while cargo builds
set -euo pipefail
source "$(dirname "$0")/lib.sh"

part="${1:-all}"
case "$part" in
	all | --build | --test) ;;
	*) die "usage: scripts/setup.sh [--build|--test]" ;;
esac

# apt_install PACKAGE...: one apt-get at a time (the two parts may run side by side).
apt_install() {
	[ $# -gt 0 ] || return 0
	log "installing apt packages: $*"
	local sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	(
		flock 9
		$sudo apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
	) 9>"${TMPDIR:-/tmp}/depin-setup-apt.lock"
}

setup_build() {
	local need_apt=()
	command -v clang >/dev/null || need_apt+=(clang)
	ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || need_apt+=(libclang-dev)
	command -v protoc >/dev/null || need_apt+=(protobuf-compiler)
	apt_install "${need_apt[@]}"

	command -v rustup >/dev/null || die "rustup is required (https://rustup.rs)"
	# rust-toolchain.toml names the channel, components and wasm target; this installs them once.
	(cd "$REPO_ROOT" && rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install)
	local toolchain
	toolchain="$(sed -n 's/^channel = "\(.*\)"/\1/p' "$REPO_ROOT/rust-toolchain.toml")"
	rustup target list --installed --toolchain "$toolchain" | grep -qx wasm32v1-none \
		|| rustup target add wasm32v1-none --toolchain "$toolchain"
	# NVIDIA's attestation test vectors: the GPU attestation tests and benchmark read them.
	"$REPO_ROOT/scripts/nvtrust-vectors.sh"
}

setup_test() {
	local need_apt=()
	command -v node >/dev/null || need_apt+=(nodejs npm)
	# The dashboard's browser test drives Debian's Chromium (never a downloaded browser).
	command -v chromium >/dev/null || need_apt+=(chromium)
	apt_install "${need_apt[@]}"

	# py-substrate-interface for the explorers' test, in a venv pinned by hashes; beside the npm
	# packages (both mostly wait on downloads).
	"$REPO_ROOT/scripts/explorer-tools/setup-venv.sh" >/dev/null &
	local venv=$!

	# npm packages of the end-to-end tests, the dashboard and the live benchmarks, each from its
	# lockfile.
	local dir stamp want
	for dir in "$REPO_ROOT/scripts/e2e" "$REPO_ROOT/explorer" "$REPO_ROOT/benches"; do
		stamp="$dir/node_modules/.depin-lock-sha256"
		want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
		if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
			log "installing npm packages of ${dir#"$REPO_ROOT"/} (npm ci, from package-lock.json)"
			(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
			echo "$want" >"$stamp"
		fi
	done
	wait "$venv" || die "the explorers' Python venv could not be set up"
}

case "$part" in
	--build) setup_build ;;
	--test) setup_test ;;
	all) setup_build; setup_test ;;
esac
