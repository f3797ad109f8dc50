#!/usr/bin/env bash
# Runs every test: cargo tests (runtime, node, chain-spec drift, the runtime fuzzer's short run of
# 10,000 executions, the escrow state machine), the dashboard's unit tests, and the end-to-end
# tests against the real depin-node (dev chain, explorers' tools and the dashboard in headless
# Chromium, the node under abuse, the 4-validator network with one validator down and under
# crashes, and validators and governance on the local network: a validator added and removed by
# council motion, a GRANDPA double vote slashed, a runtime upgrade with a storage migration).
#
# Order: what the build needs (apt C deps, the Rust toolchain); the build, with the npm packages,
# the Python venv and Chromium installed meanwhile; the dashboard's unit tests; then the e2e
# files in four lanes (parallel `node --test` processes, each with its own loopback port range
# and log folder $DEPIN_E2E_LOG_DIR/<lane>/) beside the cargo tests at nice 19. The lanes' time
# is chain time (6 s slots, 10-block epochs and sessions), not CPU. Each job's output is printed
# whole when it ends, then a summary with every job's and every e2e file's time; the script fails
# if any job failed.
# Extra arguments go to one `node --test` instead of the lanes (e.g. tests/dev-chain.test.mjs).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

# The lanes, about 11-12 min each (the files' times are in the summary a run prints), longest
# file first.
LANES=(
	"governance:tests/governance.test.mjs tests/marketplace.test.mjs"
	"dev:tests/attestation.test.mjs tests/explorers.test.mjs"
	"crash:tests/crash.test.mjs tests/dev-chain.test.mjs tests/rpc-abuse.test.mjs"
	# A short lane (one dev node, a few epochs): beside the others it costs no wall time.
	"hardware:tests/gpu-attestation.test.mjs"
)

started=$SECONDS
export DEPIN_E2E_LOG_DIR="${DEPIN_E2E_LOG_DIR:-$(mktemp -d /tmp/depin-e2e-logs.XXXXXX)}"
mkdir -p "$DEPIN_E2E_LOG_DIR"

# Background jobs run in sessions of their own (setsid), so that stopping early ends each with
# every node it started.
background=()
heartbeat=""
cleanup() {
	local pid
	[ -z "$heartbeat" ] || kill "$heartbeat" 2>/dev/null || true
	for pid in "${background[@]}"; do kill -- -"$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$REPO_ROOT/scripts/setup.sh" --build
setup_log="$DEPIN_E2E_LOG_DIR/setup-test.log"
setsid -w "$REPO_ROOT/scripts/setup.sh" --test >"$setup_log" 2>&1 &
setup_pid=$!
background+=("$setup_pid")

"$REPO_ROOT/scripts/build.sh"
setup_status=0
wait "$setup_pid" || setup_status=$?
cat "$setup_log" >&2
[ "$setup_status" -eq 0 ] || die "scripts/setup.sh --test failed"
log "setup and build done after $((SECONDS - started)) s"

log "explorer dashboard unit tests (formatting, server)"
(cd "$REPO_ROOT/explorer" && npm test --silent)

# The jobs below run side by side: the e2e lanes, and the cargo tests at the lowest CPU priority
# (nice 19; cold, they are mostly compiling). The lanes' nodes mostly wait on 6 s slots and
# leave the cores idle, and a node that needs the CPU gets it first. `cargo test` builds neither
# depin-node nor depin-subxt-decode (no integration tests in their packages), so it never
# replaces a binary the lanes are running. Each job's output goes to a file and is printed whole
# when the job ends.
declare -A job_of job_start job_output
failed=()
summary=()

# start_job NAME OUTPUT COMMAND...: COMMAND in the background, in a session of its own.
start_job() {
	local name="$1" output="$2"
	shift 2
	setsid -w "$@" >"$output" 2>&1 &
	background+=("$!")
	job_of[$!]="$name"
	job_start[$name]=$SECONDS
	job_output[$name]="$output"
}

# run_lane INDEX NAME FILE...: one `node --test` with 4,000 ports from 16000 + 4000 × INDEX (four
# lanes stay below 32768, where the kernel's ephemeral ports begin) and its own log folder.
run_lane() {
	local index="$1" name="$2"
	shift 2
	local dir="$DEPIN_E2E_LOG_DIR/$name" first=$((16000 + 4000 * index))
	mkdir -p "$dir"
	log "e2e lane $name: $* (ports $first-$((first + 3999)), output and node logs in $dir)"
	start_job "e2e lane $name" "$dir/output.txt" env -C "$REPO_ROOT/scripts/e2e" \
		DEPIN_E2E_LOG_DIR="$dir" DEPIN_E2E_PORTS="$first-$((first + 3999))" \
		node --test --test-concurrency=1 --test-reporter=spec "$@"
}

e2e_started=$SECONDS
if [ $# -gt 0 ]; then
	log "polkadot.js end-to-end tests: $* (logs in $DEPIN_E2E_LOG_DIR)"
	run_lane 0 e2e "$@"
else
	log "polkadot.js end-to-end tests in ${#LANES[@]} lanes (logs in $DEPIN_E2E_LOG_DIR)"
	for i in "${!LANES[@]}"; do
		# shellcheck disable=SC2086 # the file list splits on spaces
		run_lane "$i" "${LANES[$i]%%:*}" ${LANES[$i]#*:}
	done
fi
log "cargo tests, at nice 19 beside the e2e lanes (output in $DEPIN_E2E_LOG_DIR/cargo-test.txt)"
start_job "cargo tests" "$DEPIN_E2E_LOG_DIR/cargo-test.txt" nice -n 19 cargo test --locked --workspace

# Every 5 minutes, how far each lane has got.
(
	while sleep 300; do
		for dir in "$DEPIN_E2E_LOG_DIR"/*/; do
			[ -f "$dir/output.txt" ] || continue
			log "e2e $(basename "$dir"), $(((SECONDS - e2e_started) / 60)) min: $(grep -c '^ *✔' "$dir/output.txt") passed, $(grep -c '^ *✖' "$dir/output.txt") failed so far"
		done
	done
) &
heartbeat=$!

while [ ${#job_of[@]} -gt 0 ]; do
	status=0
	wait -n -p done_pid "${!job_of[@]}" || status=$?
	name="${job_of[$done_pid]}"
	unset "job_of[$done_pid]"
	took=$((SECONDS - job_start[$name]))
	printf '\n===== %s: exit %s after %d min %02d s =====\n' "$name" "$status" $((took / 60)) $((took % 60))
	cat "${job_output[$name]}"
	printf '===== end of %s =====\n\n' "$name"
	summary+=("$name: $([ "$status" -eq 0 ] && echo passed || echo FAILED) in $((took / 60)) min $((took % 60)) s")
	# The time of each e2e file (its top-level suite).
	if [[ "$name" == "e2e lane "* ]]; then
		summary+=("$(sed -n '/^✖ failing tests:/q; s/^[✔✖] \(.*\) (\([0-9]*\)\.[0-9]*ms)$/\2 \1/p' "${job_output[$name]}" |
			awk '{ t = $1; $1 = ""; printf "%s%s %d s", (NR > 1 ? ";" : "   "), $0, t / 1000 }')")
	fi
	[ "$status" -eq 0 ] || failed+=("$name")
done
background=()
kill "$heartbeat" 2>/dev/null || true

for line in "${summary[@]}"; do log "$line"; done
log "e2e lanes and cargo tests took $((SECONDS - e2e_started)) s; node logs in $DEPIN_E2E_LOG_DIR"
[ ${#failed[@]} -eq 0 ] || die "failed: $(IFS=,; echo "${failed[*]}") (outputs in $DEPIN_E2E_LOG_DIR)"
log "all tests passed in $((SECONDS - started)) s"
