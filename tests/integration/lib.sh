# shellcheck shell=bash
# Helpers for integration tests. Tests run in the guest (tools/vm/run), are
# sourced-in bash scripts, and exit 0 on pass. The topology comes from the
# environment tools/vm/run sets up:
#   loopback: server and client on rxe0 in one namespace;
#   netns:    server on rxe1 in ib_odp_b, client on rxe0 in ib_odp_a.
set -euo pipefail

IB_ODP_BUILD=${IB_ODP_BUILD:-$PWD/build}
BIN=$IB_ODP_BUILD/cmake
GID=${IB_ODP_GID_INDEX:-1}

if [ "${IB_ODP_NETNS:-0}" = 1 ]; then
	SERVER_NS=$IB_ODP_NS_B SERVER_DEV=$IB_ODP_DEV_B SERVER_IP=$IB_ODP_IP_B
	CLIENT_NS=$IB_ODP_NS_A CLIENT_DEV=$IB_ODP_DEV_A
else
	SERVER_NS= SERVER_DEV=$IB_ODP_DEV SERVER_IP=$IB_ODP_IP
	CLIENT_NS= CLIENT_DEV=$IB_ODP_DEV
fi

fail() { echo "FAIL: $*" >&2; exit 1; }

# in_ns NETNS CMD...: run CMD in NETNS, or here when NETNS is empty.
in_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

# wait_listen NETNS PORT PID SECONDS: wait until a TCP socket listens on
# PORT in NETNS; fail early if process PID (the server) has exited.
wait_listen() {
	local ns=$1 port=$2 pid=$3 deadline=$(( SECONDS + $4 ))
	until in_ns "$ns" ss -Hltn "sport = :$port" | grep -q .; do
		kill -0 "$pid" 2>/dev/null || fail "server exited before listening on $port"
		[ $SECONDS -lt "$deadline" ] || fail "nothing listens on port $port after $4 s"
		sleep 0.05
	done
}

# require_implicit: skip (exit 77) where the device does not advertise
# implicit ODP; that stock refuses it is tested on its own
# (library/example_implicit_unsupported.sh, odp/ OdpImplicit).
require_implicit() {
	if ! "$BIN/perftest/ibodp_caps" --json -d "$CLIENT_DEV" | grep -q '"implicit": true'; then
		echo "$CLIENT_DEV does not advertise implicit ODP"
		exit 77
	fi
}

# run_pair PORT SERVER_CMD... -- CLIENT_CMD...: start the server in the
# server namespace, wait for it to listen on PORT, run the client in the
# client namespace, and fail unless both exit 0. Output goes to
# $TEST_OUT/server.log and client.log.
run_pair() {
	local port=$1 server=() client=() spid rc_s=0 rc_c=0
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do server+=("$1"); shift; done
	[ $# -gt 0 ] || fail "run_pair: no -- before the client command"
	shift
	client=("$@")
	in_ns "$SERVER_NS" "${server[@]}" >"$TEST_OUT/server.log" 2>&1 &
	spid=$!
	wait_listen "$SERVER_NS" "$port" "$spid" 30
	in_ns "$CLIENT_NS" "${client[@]}" >"$TEST_OUT/client.log" 2>&1 || rc_c=$?
	wait "$spid" || rc_s=$?
	if [ $rc_s -ne 0 ] || [ $rc_c -ne 0 ]; then
		echo "--- server (status $rc_s): ${server[*]}" >&2
		tail -n 20 "$TEST_OUT/server.log" >&2
		echo "--- client (status $rc_c): ${client[*]}" >&2
		tail -n 20 "$TEST_OUT/client.log" >&2
		fail "server exited $rc_s, client exited $rc_c"
	fi
}

# run_perftest TOOL PORT RESULT_REGEX ARGS...: a perftest tool with ODP
# registration (--odp) on both sides between two processes; both must
# finish and the client must print a result line matching RESULT_REGEX.
run_perftest() {
	local tool=$1 port=$2 result=$3
	shift 3
	run_pair "$port" \
		"$tool" -d "$SERVER_DEV" -x "$GID" -p "$port" -F --odp "$@" -- \
		"$tool" -d "$CLIENT_DEV" -x "$GID" -p "$port" -F --odp "$@" "$SERVER_IP"
	grep -Eq "$result" "$TEST_OUT/client.log" ||
		fail "$tool: no result line matching '$result' in the client output"
}

# run_example PORT ARGS...: the odp_write_read example as server and
# client with ARGS; both must exit 0 (every byte verified on both sides).
run_example() {
	local port=$1
	shift
	run_pair "$port" \
		"$BIN/examples/odp_write_read" -d "$SERVER_DEV" -x "$GID" -p "$port" "$@" -- \
		"$BIN/examples/odp_write_read" -d "$CLIENT_DEV" -x "$GID" -p "$port" "$@" "$SERVER_IP"
}

# check_json FILE PYTHON_EXPR...: each expression, evaluated with the JSON
# document as `d`, must be true.
check_json() {
	local file=$1
	shift
	python3 - "$file" "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for expr in sys.argv[2:]:
    if not eval(expr, {}, {"d": d}):
        sys.exit(f"FAIL: {sys.argv[1]}: not true: {expr}")
PY
}
