#!/usr/bin/env bash
# The long run of the runtime fuzzer (fuzz/): libFuzzer, coverage-guided, on the nightly
# toolchain, with every FRAME pallet's try_state added to the checks after each block.
#
#   scripts/fuzz.sh [RUNS]     RUNS executions (default 1,000,000) from the checked-in corpus, in
#                              one libFuzzer process per core (DEPIN_FUZZ_JOBS), sharing the
#                              working corpus (DEPIN_FUZZ_MAX_SECONDS stops it earlier)
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
# Edge coverage without comparison tracing (--no-trace-compares): the tracing cost 40% of the
# run's time, and its table of compared constants helps little when every value of an input is
# taken modulo what it chooses among (docs/reliability.md has the profile).
fuzz() {
	cargo +nightly fuzz "$1" --fuzz-dir fuzz/libfuzzer --target-dir "$CARGO_TARGET_DIR/fuzz" \
		--sanitizer none --debug-assertions --no-trace-compares "${@:2}"
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
jobs="${DEPIN_FUZZ_JOBS:-$(nproc)}"
per_job=$(((runs + jobs - 1) / jobs))
log "building the fuzz target (nightly, instrumented) into $CARGO_TARGET_DIR/fuzz"
fuzz build runtime
log "fuzzing: $runs executions in $jobs processes from fuzz/corpus/runtime ($(ls fuzz/corpus/runtime | wc -l) inputs)"
logs="$CARGO_TARGET_DIR/fuzz-logs"
rm -rf "$logs" && mkdir -p "$logs"
started=$SECONDS
# One libFuzzer process a core, sharing the working corpus: each reloads what the others found.
pids=()
for job in $(seq 1 "$jobs"); do
	fuzz run runtime "$work_corpus" fuzz/corpus/runtime -- -runs="$per_job" -artifact_prefix="$artifacts/" \
		-max_len=4096 -print_final_stats=1 -seed="$job" \
		${DEPIN_FUZZ_MAX_SECONDS:+-max_total_time=$DEPIN_FUZZ_MAX_SECONDS} >"$logs/job-$job.log" 2>&1 &
	pids+=($!)
done
status=0
for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
seconds=$((SECONDS - started))
executed="$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs"/job-*.log | awk '{s += $1} END {print s + 0}')"
crashes="$(cat "$logs"/job-*.log | grep -c '^==[0-9]*== ERROR: libFuzzer\|^thread .* panicked' || true)"
coverage="$(grep -ho 'cov: [0-9]*' "$logs"/job-*.log | awk '{print $2}' | sort -n | tail -1)"
commit="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- runtime pallets primitives fuzz || echo '+changes')"
# A run that ended before RUNS executions (DEPIN_FUZZ_MAX_SECONDS, or interrupted) says so.
stopped=""
[ "${executed:-0}" -ge "$runs" ] || stopped=", stopped before $runs executions (DEPIN_FUZZ_MAX_SECONDS or an interrupt)"
log "executed $executed inputs in $seconds s ($jobs processes); crashes: $crashes; coverage: ${coverage:-?} edges; commit $commit; exit status $status"
tail -n 20 "$logs"/job-*.log
# The last long run's figures are kept with the corpus (docs/reliability.md shows them).
cat >fuzz/last-long-run.json <<JSON
[{"group":"Fuzzing","what":"long run (scripts/fuzz.sh: libFuzzer without comparison tracing, $jobs processes; our try_state after every block with extrinsics, FRAME's at least every 10 blocks, everything at each program's end), $(date -u +%Y-%m-%d), commit $commit, $((seconds / 60)) min ($(( ${executed:-0} / (seconds > 0 ? seconds : 1) )) executions a second)$stopped, ${coverage:-?} coverage edges","count":${executed:-0},"outcome":"$crashes breaks found"}]
JSON
if [ -n "${DEPIN_FIGURES_DIR:-}" ]; then
	mkdir -p "$DEPIN_FIGURES_DIR"
	cp fuzz/last-long-run.json "$DEPIN_FIGURES_DIR/fuzz-long.json"
fi
exit "$status"
