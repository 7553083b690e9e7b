#!/bin/bash
# run.sh [--quick] [--rounds N] OUTDIR: inside the VM (tools/vm/run), run
# the page-fault benchmark suite against stock rxe and ours in one boot,
# interleaved in rounds (ABBA: stock ours | ours stock | stock ours ...),
# so that drift in the machine's speed hits both alike, and write
# OUTDIR/report.md with JSON, CSV and PNG plots (perftest/compare/report.py).
# Each round runs every measurement once per rxe, with 1/N of the
# iterations; OUTDIR/<rxe>/r<round>/ holds its results. A measurement that
# fails (stock's data defect makes some report mismatches) is recorded in
# OUTDIR/<rxe>/status.txt; the suite goes on. Progress lines ("[bench] ...")
# go to standard output; tools/bench shows them on the terminal.
set -u
quick=0 rounds=
usage() { echo "usage: run.sh [--quick] [--rounds N] OUTDIR" >&2; exit 2; }
while [ $# -gt 1 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--rounds) rounds=$2; shift 2 ;;
	*) usage ;;
	esac
done
[ $# -eq 1 ] && [ "${1#-}" = "$1" ] || usage
out=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$repo/build/cmake/perftest
dev=${IB_ODP_DEV:?run inside tools/vm/run without --netns}
gid=${IB_ODP_GID_INDEX:-1}
# Totals over all rounds; each round gets its share.
# Registrations: 5 a round (at least 3, with --quick), so that a round's
# spread is seen (one a round gave intervals too narrow to repeat).
# ucx_timeout bounds a ucx_perftest client: stock's put latency can wait
# for a byte that lands elsewhere (its in-page offset defect; 83 s of 120
# in one test run); ours needs about 14 s for --quick's iterations.
# mpi_iters: ibodp_mpi --bench round trips per size and mode, in all, for
# its default sizes (8 B to 4 MiB); --quick times the three of the report's
# headline (8 B, 64 KiB, 4 MiB).
iters=300 reps=30 max=64G passes=2 region=64M ucx_iters=3000 ucx_timeout=120 mpi_iters=120
mpi_sizes=()
[ $quick -eq 1 ] && { iters=20 reps=6 max=1G passes=1 region=8M ucx_iters=200 ucx_timeout=45
	mpi_iters=5 mpi_sizes=(--sizes 8,64K,4M); }
: "${rounds:=$([ $quick -eq 1 ] && echo 2 || echo 6)}"
case $rounds in ''|*[!0-9]*) usage ;; esac
[ "$rounds" -ge 2 ] || { echo "run.sh: --rounds must be at least 2 (one ABBA pair)" >&2; exit 2; }
per() { local n=$(( ($1 + rounds - 1) / rounds )); echo $(( n < $2 ? $2 : n )); }
iters_round=$(per $iters 10) reps_round=$(per $reps 3) ucx_round=$(per $ucx_iters 50)
mpi_round=$(per $mpi_iters 5)
netdev=$(cat "/sys/class/infiniband/$dev/ports/1/gid_attrs/ndevs/$gid")
mkdir -p "$out"
for rxe in stock ours; do mkdir -p "$out/$rxe"; : > "$out/$rxe/status.txt"; done
: > "$out/rounds.txt"

# The measurements of one round on one rxe, in order (for progress); the
# last four are the peers.
steps=(fault_write fault_read prefetch_write pinned_write reg_cost inval_cost
	stream_pinned stream_odp stream_odp_prefetch warm_write_64 ib_write_lat
	ucx_put_lat_odp ucx_put_lat_pinned mpi_pingpong)
# The peers (two-process tools, ~15 s each under TCG) take half of a quick
# run's time: --quick runs them in the first round only.
peers=4 peer_rounds=$rounds
[ $quick -eq 1 ] && peer_rounds=1
total=$(( 2 * (rounds * (${#steps[@]} - peers) + peer_rounds * peers) ))
done_steps=0 start=$SECONDS

duration() { printf '%dm%02ds' $(( $1 / 60 )) $(( $1 % 60 )); }

# progress ROUND RXE STEP: one line saying where the suite is and, once a
# step has finished, how long the rest should take at the pace so far.
progress() {
	local elapsed=$(( SECONDS - start )) left='?'
	[ $done_steps -eq 0 ] ||
		left="~$(duration $(( elapsed * (total - done_steps) / done_steps )))"
	echo "[bench] round $1/$rounds, $2: $3 ($(( done_steps + 1 ))/$total)," \
		"elapsed $(duration $elapsed), left $left"
}

# step NAME CMD...: run one measurement, keep its output and status.
step() {
	local name=$1 rc=0
	shift
	progress "$round" "$rxe" "$name"
	"$@" > "$dir/$name.txt" 2> "$dir/$name.err" || rc=$?
	echo "$name $round $rc" >> "$out/$rxe/status.txt"
	done_steps=$(( done_steps + 1 ))
}

# wait_port PORT PID: until a TCP server (PID) listens on PORT, at most 60 s.
wait_port() {
	local deadline=$(( SECONDS + 60 ))
	until ss -Hltn "sport = :$1" | grep -q .; do
		kill -0 "$2" 2>/dev/null && [ $SECONDS -lt $deadline ] || return 1
		sleep 0.05
	done
}

# ib_write_lat_pair: perftest's own warm ODP write latency, 64 bytes
# (ib_write_lat detects arrival by polling the last byte, which stock's
# ODP defect never writes for multi-packet sizes).
ib_write_lat_pair() {
	local server rc=0 server_rc=0
	timeout 300 ib_write_lat -d "$dev" -x "$gid" -p 18790 -F --odp -s 64 -n "$iters_round" \
		> "$dir/ib_write_lat_server.txt" 2>&1 &
	server=$!
	wait_port 18790 $server || { kill $server 2>/dev/null; wait $server; return 1; }
	timeout 300 ib_write_lat -d "$dev" -x "$gid" -p 18790 -F --odp -s 64 -n "$iters_round" \
		"${IB_ODP_IP:?}" || rc=$?
	wait $server || server_rc=$?
	[ $rc -ne 0 ] || rc=$server_rc
	return $rc
}

# ucx_put_lat odp|pinned: ucx_perftest's 64-byte put latency between two
# processes on rxe (RC), its buffers registered on demand (ODP) or pinned.
# The UCX settings are those of tests/integration/lib.sh (ucx_env), see
# docs/perftest.md; UCX_REG_NONBLOCK_MEM_TYPES=host and -B make the
# registration ODP. The server serves until stopped.
ucx_put_lat() {
	local env=(UCX_NET_DEVICES="$dev:1,$netdev" UCX_TLS=rc_verbs,tcp UCX_IB_GID_INDEX="$gid"
		UCX_MAX_RNDV_LANES=1) flags=() server rc=0
	[ "$1" = odp ] && { env+=(UCX_REG_NONBLOCK_MEM_TYPES=host); flags=(-B); }
	env "${env[@]}" "$repo/tools/vm/guest/ucx-run" ucx_perftest -P 0 -p 18791 \
		> "$dir/ucx_put_lat_$1_server.txt" 2>&1 &
	server=$!
	if wait_port 18791 $server; then
		timeout "$ucx_timeout" env "${env[@]}" "$repo/tools/vm/guest/ucx-run" ucx_perftest -P 0 -p 18791 \
			-t ucp_put_lat -s 64 -n "$ucx_round" -w 20 "${flags[@]}" -z "${IB_ODP_IP:?}" || rc=$?
	else
		rc=1
	fi
	kill $server 2>/dev/null
	wait $server 2>/dev/null
	return $rc
}

# measure: every measurement of this round on the loaded rxe, into $dir.
measure() {
	local common=(-d "$dev" -x "$gid" --loopback -n "$iters_round") mode flags
	step fault_write "$bin/ibodp_fault_lat" "${common[@]}" --op write -s 4096 \
		--invalidate responder --json "$dir/fault_write.json" --csv "$dir/fault_write.csv"
	step fault_read "$bin/ibodp_fault_lat" "${common[@]}" --op read -s 4096 \
		--invalidate responder --json "$dir/fault_read.json" --csv "$dir/fault_read.csv"
	step prefetch_write "$bin/ibodp_fault_lat" "${common[@]}" --op write -s 4096 --prefetch \
		--invalidate responder --json "$dir/prefetch_write.json"
	step pinned_write "$bin/ibodp_fault_lat" "${common[@]}" --op write -s 4096 --mr pinned \
		--invalidate none --json "$dir/pinned_write.json"
	step reg_cost "$bin/ibodp_reg_cost" -d "$dev" -n "$reps_round" --max-size "$max" \
		--json "$dir/reg_cost.json" --csv "$dir/reg_cost.csv"
	step inval_cost "$bin/ibodp_inval_cost" -d "$dev" -s 4M -n 4 \
		--json "$dir/inval_cost.json" --csv "$dir/inval_cost.csv"
	for mode in pinned odp odp_prefetch; do
		flags=(--mr "${mode%_prefetch}")
		[ "$mode" = odp_prefetch ] && flags+=(--prefetch)
		step "stream_$mode" "$bin/ibodp_stream" -d "$dev" -x "$gid" --region "$region" \
			-s 64K -n "$passes" "${flags[@]}" --json "$dir/stream_$mode.json"
	done
	step warm_write_64 "$bin/ibodp_fault_lat" "${common[@]}" --op write -s 64 \
		--invalidate none --json "$dir/warm_write_64.json"
	[ "$round" -le "$peer_rounds" ] || return 0
	step ib_write_lat ib_write_lat_pair
	step ucx_put_lat_odp ucx_put_lat odp
	step ucx_put_lat_pinned ucx_put_lat pinned
	# MPI ping-pong, warm and cold buffers, Open MPI over UCX on ODP
	# memory (docs/mpi.md), from the trixie build (tools/bench builds it).
	if ! "$repo/tools/vm/guest/mpi-run" --binary > /dev/null 2>&1; then
		[ "$round" -gt 1 ] || echo "[bench] no MPI ping-pong:" \
			"$("$repo/tools/vm/guest/mpi-run" --binary 2>&1)"
		return 0
	fi
	step mpi_pingpong "$repo/tools/vm/guest/mpi-run" --timeout 300 "$dev" -d "$dev" --bench \
		-n "$mpi_round" "${mpi_sizes[@]}" --json "$dir/mpi_pingpong.json" \
		--csv "$dir/mpi_pingpong.csv"
}

loaded=${IB_ODP_RXE:-}
for (( round = 1; round <= rounds; round++ )); do
	order=(stock ours)
	[ $(( round % 2 )) -eq 0 ] && order=(ours stock)
	for rxe in "${order[@]}"; do
		if [ "$rxe" != "$loaded" ]; then
			"$repo/tools/vm/guest/rxe-switch" "$rxe" >&2 || exit 1
			loaded=$rxe
		fi
		export IB_ODP_RXE=$rxe
		dir=$out/$rxe/r$round
		mkdir -p "$dir"
		begin=$(date +%s)
		measure
		echo "$round $rxe $begin $(date +%s)" >> "$out/rounds.txt"
	done
done
echo "[bench] all $rounds rounds done in $(duration $(( SECONDS - start ))); writing the report"
report_args=()
[ $quick -eq 1 ] && report_args=(--quick)
python3 "$repo/perftest/compare/report.py" "${report_args[@]}" "$out"
