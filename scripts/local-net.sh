#!/usr/bin/env bash
# A four-validator network (Alice, Bob, Charlie, Dave) on loopback, built from the `local` chain
# spec. GRANDPA needs more than 2/3 of the votes, so it keeps finalizing with one validator down.
#
#   scripts/local-net.sh start            start all four (waits until their RPC answers)
#   scripts/local-net.sh stop             stop all four (SIGTERM, then SIGKILL after 30 s)
#   scripts/local-net.sh status           pid, best and finalized block of each node
#   scripts/local-net.sh start-node NAME  start one node (alice|bob|charlie|dave, or eve: a validator
#                                         node with an empty keystore, not in the genesis set, that
#                                         joins by `author_rotateKeys` + `session.setKeys` + motion;
#                                         see docs/operations.md)
#   scripts/local-net.sh stop-node NAME   stop one node gracefully
#   scripts/local-net.sh kill-node NAME   SIGKILL one node, as a crash would
#   scripts/local-net.sh purge            stop and delete all data
#
# Everything lives under $DEPIN_NET_DIR (default .local/localnet): per node a base path with its
# RocksDB database and keystore, a log and a pid file, and the fixed libp2p node keys.
# Node i (0..3, eve 4) listens on p2p $DEPIN_P2P_PORT+i, RPC $DEPIN_RPC_PORT+i, Prometheus
# $DEPIN_PROMETHEUS_PORT+i and serves its hardware probe on $DEPIN_PROBE_PORT+i
# (defaults 30333, 9944, 9615, 9620). Nodes start from $DEPIN_CHAIN (default: the raw `local` spec
# in $DEPIN_SPEC_DIR, exported from the binary) and cache compiled runtimes in
# $DEPIN_WASM_CACHE_DIR (lib.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NET_DIR="${DEPIN_NET_DIR:-$REPO_ROOT/.local/localnet}"
P2P_BASE="${DEPIN_P2P_PORT:-30333}"
RPC_BASE="${DEPIN_RPC_PORT:-9944}"
PROM_BASE="${DEPIN_PROMETHEUS_PORT:-9615}"
PROBE_BASE="${DEPIN_PROBE_PORT:-9620}"
# The chain: $DEPIN_CHAIN, else the raw spec of `local` exported from the binary (lib.sh raw_spec;
# a raw spec starts without running the runtime to build genesis).
CHAIN="${DEPIN_CHAIN:-}"
# The genesis validators, started by `start`; `eve` joins later (index 4).
NODES=(alice bob charlie dave)
ALL_NODES=(alice bob charlie dave eve)

index_of() {
	local i
	for i in "${!ALL_NODES[@]}"; do [ "${ALL_NODES[$i]}" = "$1" ] && { echo "$i"; return; }; done
	die "unknown node '$1' (expected one of: ${ALL_NODES[*]})"
}

rpc() { # rpc PORT METHOD [PARAMS_JSON]
	curl -s --max-time 2 -H 'Content-Type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":${3:-[]}}" \
		"http://127.0.0.1:$1"
}

# Fixed ed25519 node keys, so peer ids (and thus bootnode addresses) are the same every run.
node_key_file() {
	local i; i="$(index_of "$1")"
	mkdir -p "$NET_DIR/node-keys"
	local file="$NET_DIR/node-keys/$1.key"
	[ -f "$file" ] || printf '%064x' "$((i + 1))" >"$file"
	echo "$file"
}

peer_id() { "$DEPIN_NODE_BIN" key inspect-node-key --file "$(node_key_file "$1")" 2>/dev/null; }

bootnodes() { # every other node, so any one of them can be restarted alone
	local self="$1" name i
	for i in "${!NODES[@]}"; do
		name="${NODES[$i]}"
		[ "$name" = "$self" ] && continue
		printf -- '--bootnodes /ip4/127.0.0.1/tcp/%s/p2p/%s ' "$((P2P_BASE + i))" "$(peer_id "$name")"
	done
}

pid_of() { cat "$NET_DIR/$1.pid" 2>/dev/null || true; }
is_running() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# The "Running JSON-RPC server: addr=..." line this start of the node logged, if any yet.
serving_line() {
	local offset
	offset="$(cat "$NET_DIR/$1.logstart" 2>/dev/null || echo 0)"
	tail -c +"$((offset + 1))" "$NET_DIR/$1.log" 2>/dev/null | grep -a -m1 'Running JSON-RPC server: addr=' || true
}

# Until the node's RPC answers and its log says it serves on its own port: a node whose RPC port
# is taken serves on a random one, and the answer came from another process.
wait_rpc() {
	local name="$1" port="$2" deadline=$((SECONDS + ${DEPIN_START_TIMEOUT:-180})) line
	while :; do
		line="$(serving_line "$name")"
		if [ -n "$line" ]; then
			[[ "$line" =~ addr=(.*,)?127\.0\.0\.1:$port, ]] ||
				die "$name: RPC port $port is taken by another process ($line); see $NET_DIR/$name.log"
			rpc "$port" system_health | grep -q '"result"' && return
		fi
		is_running "$name" || die "$name exited; see $NET_DIR/$name.log"
		[ "$SECONDS" -lt "$deadline" ] || die "$name: RPC on port $port not up in time"
		sleep 0.2
	done
}

start_node() {
	local name="$1" i; i="$(index_of "$name")"
	[ -x "$DEPIN_NODE_BIN" ] || die "$DEPIN_NODE_BIN not found; run scripts/build.sh"
	if is_running "$name"; then log "$name already running (pid $(pid_of "$name"))"; return; fi
	mkdir -p "$NET_DIR"
	[ -n "$CHAIN" ] || CHAIN="$(raw_spec local)"
	# Where this start's lines begin in the log (which every start appends to).
	stat -c %s "$NET_DIR/$name.log" 2>/dev/null >"$NET_DIR/$name.logstart" || echo 0 >"$NET_DIR/$name.logstart"
	# Genesis validators get their dev seed's session keys (`--alice`); eve only runs as a
	# validator and generates its keys when asked (author_rotateKeys).
	local role=(--"$name")
	[ "$name" = eve ] && role=(--validator --name eve)
	# shellcheck disable=SC2046
	nohup "$DEPIN_NODE_BIN" \
		--chain "$CHAIN" \
		"${role[@]}" \
		--base-path "$NET_DIR/$name" \
		--node-key-file "$(node_key_file "$name")" \
		--listen-addr "/ip4/127.0.0.1/tcp/$((P2P_BASE + i))" \
		--rpc-port "$((RPC_BASE + i))" \
		--prometheus-port "$((PROM_BASE + i))" \
		--probe-listen-addr "127.0.0.1:$((PROBE_BASE + i))" \
		--no-mdns \
		--no-telemetry \
		$(bootnodes "$name") \
		>>"$NET_DIR/$name.log" 2>&1 </dev/null &
	echo $! >"$NET_DIR/$name.pid"
	log "$name: pid $!, p2p $((P2P_BASE + i)), rpc ws://127.0.0.1:$((RPC_BASE + i)), prometheus $((PROM_BASE + i)), hardware probe http://127.0.0.1:$((PROBE_BASE + i))/metrics"
}

stop_node() {
	local name="$1" signal="${2:-TERM}" pid
	pid="$(pid_of "$name")"
	if ! is_running "$name"; then rm -f "$NET_DIR/$name.pid"; return; fi
	kill -s "$signal" "$pid"
	local deadline=$((SECONDS + 30))
	while kill -0 "$pid" 2>/dev/null; do
		if [ "$SECONDS" -ge "$deadline" ]; then kill -s KILL "$pid" 2>/dev/null || true; fi
		sleep 0.2
	done
	rm -f "$NET_DIR/$name.pid"
	log "$name stopped ($signal)"
}

status() {
	local i name port best fin
	for i in "${!ALL_NODES[@]}"; do
		name="${ALL_NODES[$i]}"; port=$((RPC_BASE + i))
		[ "$name" = eve ] && ! is_running eve && continue
		if is_running "$name"; then
			best="$(rpc "$port" chain_getHeader | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')"
			fin="$(rpc "$port" chain_getFinalizedHead | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p')"
			fin="$(rpc "$port" chain_getHeader "[\"$fin\"]" | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')"
			printf '%-8s pid %-7s best %-6s finalized %s\n' "$name" "$(pid_of "$name")" \
				"$((${best:-0}))" "$((${fin:-0}))"
		else
			printf '%-8s stopped\n' "$name"
		fi
	done
}

cmd="${1:-}"
case "$cmd" in
	start)
		for name in "${NODES[@]}"; do start_node "$name"; done
		for i in "${!NODES[@]}"; do wait_rpc "${NODES[$i]}" "$((RPC_BASE + i))"; done
		log "network up; data in $NET_DIR"
		;;
	stop) for name in "${ALL_NODES[@]}"; do stop_node "$name"; done ;;
	status) status ;;
	start-node)
		start_node "${2:?node name}"
		wait_rpc "$2" "$((RPC_BASE + $(index_of "$2")))"
		;;
	stop-node) stop_node "${2:?node name}" ;;
	kill-node) stop_node "${2:?node name}" KILL ;;
	purge)
		for name in "${ALL_NODES[@]}"; do stop_node "$name"; done
		rm -rf "$NET_DIR"
		log "removed $NET_DIR"
		;;
	*) sed -n '2,/^set /{/^#/s/^# \{0,1\}//p}' "$0"; exit 2 ;;
esac
