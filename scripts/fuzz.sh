#!/usr/bin/env bash
# The long run of the runtime fuzzer (fuzz/): libFuzzer, coverage-guided, on the nightly
# toolchain, with every FRAME pallet's try_state added to the checks after each block.
#
#   scripts/fuzz.sh [RUNS]     RUNS executions (default 1,000,000), from the checked-in corpus
#                              (DEPIN_FUZZ_MAX_SECONDS stops it earlier, after that many seconds)
#   scripts/fuzz.sh --merge    minimize the inputs found so far into fuzz/corpus/runtime
#
# Inputs that reach new coverage collect in $CARGO_TARGET_DIR/fuzz-corpus; a crash (panic or
# broken invariant) is saved as $CARGO_TARGET_DIR/fuzz-artifacts/crash-*: replay it with
# `scripts/fuzz.sh <file>`, or put it in fuzz/corpus/runtime to make it part of every short run.
# Its figures go to fuzz/last-long-run.json (and DEPIN_FIGURES_DIR, for scripts/reliability.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || (cd / && cargo install cargo-fuzz --locked)

work_corpus="$CARGO_TARGET_DIR/fuzz-corpus"
artifacts="$CARGO_TARGET_DIR/fuzz-artifacts"
mkdir -p "$work_corpus" "$artifacts"
# The runtime is fuzzed natively: no wasm build.
export SKIP_WASM_BUILD=1
fuzz() {
	cargo +nightly fuzz "$1" --fuzz-dir fuzz/libfuzzer --target-dir "$CARGO_TARGET_DIR/fuzz" \
		--sanitizer none --debug-assertions "${@:2}"
}

if [ "${1:-}" = "--merge" ]; then
	fuzz run runtime fuzz/corpus/runtime "$work_corpus" -- -merge=1
	exit 0
fi
if [ -f "${1:-}" ]; then
	fuzz run runtime "$1"
	exit 0
fi

runs="${1:-1000000}"
log "building the fuzz target (nightly, instrumented) into $CARGO_TARGET_DIR/fuzz"
fuzz build runtime
log "fuzzing: $runs executions from fuzz/corpus/runtime ($(ls fuzz/corpus/runtime | wc -l) inputs)"
output="$(mktemp)"
status=0
fuzz run runtime "$work_corpus" fuzz/corpus/runtime -- -runs="$runs" -artifact_prefix="$artifacts/" \
	-max_len=4096 -print_final_stats=1 ${DEPIN_FUZZ_MAX_SECONDS:+-max_total_time=$DEPIN_FUZZ_MAX_SECONDS} 2>&1 | tee "$output" || status=$?
executed="$(sed -n 's/^stat::number_of_executed_units: *//p' "$output" | tail -1)"
crashes="$(grep -c '^==[0-9]*== ERROR: libFuzzer\|^thread .* panicked' "$output" || true)"
log "executed ${executed:-?} inputs; crashes: $crashes; exit status $status"
# The last long run's figures are kept with the corpus (docs/reliability.md shows them).
cat >fuzz/last-long-run.json <<JSON
[{"group":"Fuzzing","what":"long run (scripts/fuzz.sh: libFuzzer, every FRAME try_state), $(date -u +%Y-%m-%d)","count":${executed:-0},"outcome":"$crashes breaks found"}]
JSON
if [ -n "${DEPIN_FIGURES_DIR:-}" ]; then
	mkdir -p "$DEPIN_FIGURES_DIR"
	cp fuzz/last-long-run.json "$DEPIN_FIGURES_DIR/fuzz-long.json"
fi
exit "$status"
