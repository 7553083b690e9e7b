# shellcheck shell=bash
# Helpers for integration tests. Tests run in the guest (tools/vm/run), are
# sourced-in bash scripts, and exit 0 on pass. The topology comes from the
# environment tools/vm/run sets up:
#   loopback: server and client on rxe0 in one namespace;
#   netns:    server on rxe1 in ib_odp_b, client on rxe0 in ib_odp_a.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/odp_debugfs.sh"

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

# missing FEATURE: why the client's device lacks FEATURE (one line
# starting with "unsupported:"), or nothing and status 1 when it has it:
#   odp           explicit ODP memory regions (stock rxe before 6.15 has none)
#   implicit-odp  implicit ODP (stock rxe never advertises it)
#   prefetch      ibv_advise_mr (needs it in the verbs provider too: rxe's
#                 has it from rdma-core 59, Debian 13 ships 56.1)
#   flush         RDMA FLUSH to ODP memory over RC
missing() {
	local caps
	caps=$("$BIN/perftest/ibodp_caps" --json -d "$CLIENT_DEV") ||
		fail "ibodp_caps cannot read $CLIENT_DEV"
	case $1 in
	odp) grep -q '"supported": true' <<<"$caps" && return 1
	     echo "unsupported: $CLIENT_DEV has no ODP (no ODP_SUPPORT in its caps)" ;;
	implicit-odp) grep -q '"implicit": true' <<<"$caps" && return 1
		      echo "unsupported: $CLIENT_DEV does not advertise implicit ODP" ;;
	prefetch) grep -q '"prefetch": true' <<<"$caps" && return 1
		  echo "unsupported: no prefetch on $CLIENT_DEV: ibv_advise_mr fails (its verbs provider or driver has no advise_mr)" ;;
	flush) grep -Eq '"rc": "[^"]*\<flush\>' <<<"$caps" && return 1
	       echo "unsupported: $CLIENT_DEV has no RDMA FLUSH on ODP memory (not in its RC ODP caps)" ;;
	*) fail "missing: unknown feature '$1'" ;;
	esac
}

# require FEATURE...: report the test UNSUPPORTED (exit 77 with the reason
# from missing) where the client's device lacks a feature. What stock
# refuses is tested on its own (harness/stock_without_odp.sh,
# library/example_implicit_unsupported.sh, odp/ OdpImplicit). A test's
# "# needs: FEATURE..." header calls it before the test starts.
require() {
	local feature
	for feature in "$@"; do
		missing "$feature" || continue
		exit 77
	done
}

# if_prefetch WORD: WORD where the client's device prefetches, else
# nothing and the reason on stderr, so that the log says which variant
# of a test did not run. For loops over variants:
#   for mode in "" $(if_prefetch --prefetch); do ...
if_prefetch() {
	local why
	if why=$(missing prefetch); then
		echo "no $1 variant: $why" >&2
	else
		echo "$1"
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

# UCX 1.18 (trixie's own; on sid from the image's /opt/ucx-trixie), run through
# tools/vm/guest/ucx-run) on rxe with ODP registration: ucx_env DEV GID.
UCX_RUN=$PWD/tools/vm/guest/ucx-run
. "$(dirname "${BASH_SOURCE[0]}")/../../tools/lib/ucx_env.sh"

# odp_faults: the page faults our ODP layer has served so far (0 on stock,
# which has no such counter).
odp_faults() { odp_counter_sum faults; }

# ucx_pair PORT SERVER_ARGS... -- CLIENT_ARGS...: run a UCX program pair
# (ARGS start with the program's name: ucx_perftest, io_demo) with
# ucx_env for each side's device. UCX's test servers serve until they are
# stopped, so the server is stopped once the client is done; the client
# gets UCX_CLIENT_TIMEOUT seconds (default 120), and once its output
# matches UCX_CLIENT_DONE (if set) it may not linger. Once either side's
# output matches UCX_STOP_ON (if set: a verdict such as corrupt data that
# the client would otherwise retry until its deadline) the client is
# stopped with status 1. Returns the client's status (124: timed out).
# Output in $TEST_OUT/server.log and client.log.
ucx_pair() {
	local port=$1 server=() client=() spid cpid rc=0 stopped=0 status=0
	local deadline=$(( SECONDS + ${UCX_CLIENT_TIMEOUT:-120} ))
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do server+=("$1"); shift; done
	[ $# -gt 0 ] || fail "ucx_pair: no -- before the client command"
	shift
	client=("$@")
	# ip netns exec (or nothing) as a prefix rather than in_ns: without a
	# shell function in between, $! is the program itself.
	local server_ns=() client_ns=()
	[ -z "$SERVER_NS" ] || server_ns=(ip netns exec "$SERVER_NS")
	[ -z "$CLIENT_NS" ] || client_ns=(ip netns exec "$CLIENT_NS")
	# shellcheck disable=SC2046
	"${server_ns[@]}" env $(ucx_env "$SERVER_DEV" "$GID") "$UCX_RUN" "${server[@]}" \
		>"$TEST_OUT/server.log" 2>&1 &
	spid=$!
	wait_listen "$SERVER_NS" "$port" "$spid" 60
	: >"$TEST_OUT/client.log"
	# shellcheck disable=SC2046
	"${client_ns[@]}" env $(ucx_env "$CLIENT_DEV" "$GID") "$UCX_RUN" "${client[@]}" \
		>"$TEST_OUT/client.log" 2>&1 &
	cpid=$!
	# A client that waits for data that never lands (stock rxe) is
	# stopped at the deadline (124); one that has printed UCX_CLIENT_DONE
	# has its result and is stopped if it lingers in UCX's teardown (0).
	while kill -0 "$cpid" 2>/dev/null; do
		if [ -n "${UCX_CLIENT_DONE-}" ] &&
		   grep -Eq "$UCX_CLIENT_DONE" "$TEST_OUT/client.log"; then
			sleep 1
			kill -0 "$cpid" 2>/dev/null || break
			echo "${client[0]}: result printed, stopped in teardown" >&2
			kill "$cpid"; stopped=1; break
		fi
		if [ -n "${UCX_STOP_ON-}" ] && grep -Eq "$UCX_STOP_ON" \
			"$TEST_OUT/client.log" "$TEST_OUT/server.log"; then
			echo "${client[0]}: stopped: the output shows '$UCX_STOP_ON'" >&2
			kill "$cpid"; stopped=1 rc=1; break
		fi
		if [ $SECONDS -ge $deadline ]; then
			kill "$cpid"; stopped=1 rc=124; break
		fi
		sleep 0.2
	done
	wait "$cpid" 2>/dev/null || status=$?
	[ $stopped -eq 1 ] || rc=$status
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	[ $rc -eq 0 ] && return 0
	echo "${client[0]} client exited $rc: $(grep -m1 -E 'Assertion|Fatal|ERROR' "$TEST_OUT/client.log" || tail -n 3 "$TEST_OUT/client.log")" >&2
	return "$rc"
}

# mpi_run SECONDS ARGS...: ibodp_mpi ARGS as two MPI ranks on the loopback
# device (tools/vm/guest/mpi-run), its ib_odp counters reported (-d),
# stopped after SECONDS (status 124). Output in $TEST_OUT/mpi.log;
# returns mpirun's status. Skips the test (exit 77) where ibodp_mpi was
# not built: on sid it comes from the trixie build, which a run of the
# sid image alone does not make.
mpi_run() {
	local seconds=$1 why
	shift
	why=$("$PWD/tools/vm/guest/mpi-run" --binary 2>&1) || { echo "skipped: $why"; exit 77; }
	IB_ODP_GID_INDEX=$GID "$PWD/tools/vm/guest/mpi-run" --timeout "$seconds" "$IB_ODP_DEV" \
		-d "$IB_ODP_DEV" "$@" > "$TEST_OUT/mpi.log" 2>&1
}

# The features the test's "# needs:" header names (see require).
needs=$(sed -n 's/^# needs: *//p' "$0" | head -n 1)
# shellcheck disable=SC2086
[ -z "$needs" ] || require $needs
