#!/bin/bash
# run.sh [--quick] OUTDIR: inside the VM (tools/vm/run), run the page-fault
# benchmark suite against stock rxe and then ours in one boot, and write
# OUTDIR/report.md with JSON, CSV and PNG plots (perftest/compare/report.py).
# A tool that fails (stock's data defect makes some report mismatches) is
# recorded in OUTDIR/<rxe>/status.txt; the suite goes on.
set -u
quick=0
[ "${1:-}" = --quick ] && { quick=1; shift; }
[ $# -eq 1 ] || { echo "usage: run.sh [--quick] OUTDIR" >&2; exit 2; }
out=$1
repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=$repo/build/cmake/perftest
dev=${IB_ODP_DEV:?run inside tools/vm/run without --netns}
gid=${IB_ODP_GID_INDEX:-1}
iters=300 reps=3 max=64G passes=2 region=64M
[ $quick -eq 1 ] && { iters=20 reps=1 max=1G passes=1 region=8M; }
mkdir -p "$out"

# step NAME CMD...: run one measurement, keep its output and status.
step() {
	local name=$1 rc=0
	shift
	echo "== $rxe: $name" >&2
	"$@" > "$out/$rxe/$name.txt" 2> "$out/$rxe/$name.err" || rc=$?
	echo "$name $rc" >> "$out/$rxe/status.txt"
	cat "$out/$rxe/$name.txt"
}

for rxe in stock ours; do
	"$repo/tools/vm/guest/rxe-switch" "$rxe" >&2 || exit 1
	export IB_ODP_RXE=$rxe
	mkdir -p "$out/$rxe"
	: > "$out/$rxe/status.txt"
	common=(-d "$dev" -x "$gid" --loopback -n "$iters")
	step fault_write "$bin/ibodp_fault_lat" "${common[@]}" --op write -s 4096 \
		--invalidate responder --json "$out/$rxe/fault_write.json" --csv "$out/$rxe/fault_write.csv"
	step fault_read "$bin/ibodp_fault_lat" "${common[@]}" --op read -s 4096 \
		--invalidate responder --json "$out/$rxe/fault_read.json" --csv "$out/$rxe/fault_read.csv"
	step prefetch_write "$bin/ibodp_fault_lat" "${common[@]}" --op write -s 4096 --prefetch \
		--invalidate responder --json "$out/$rxe/prefetch_write.json"
	step pinned_write "$bin/ibodp_fault_lat" "${common[@]}" --op write -s 4096 --mr pinned \
		--invalidate none --json "$out/$rxe/pinned_write.json"
	step reg_cost "$bin/ibodp_reg_cost" -d "$dev" -n "$reps" --max-size "$max" \
		--json "$out/$rxe/reg_cost.json" --csv "$out/$rxe/reg_cost.csv"
	step inval_cost "$bin/ibodp_inval_cost" -d "$dev" -s 4M -n "$((reps * 4))" \
		--json "$out/$rxe/inval_cost.json" --csv "$out/$rxe/inval_cost.csv"
	for mode in pinned odp odp_prefetch; do
		flags=(--mr "${mode%_prefetch}")
		[ "$mode" = odp_prefetch ] && flags+=(--prefetch)
		step "stream_$mode" "$bin/ibodp_stream" -d "$dev" -x "$gid" --region "$region" \
			-s 64K -n "$passes" "${flags[@]}" --json "$out/$rxe/stream_$mode.json"
	done
	# Cross-check: perftest's own warm ODP write latency against ours, one
	# 64-byte packet (ib_write_lat detects arrival by polling the last
	# byte, which stock's ODP defect never writes for multi-packet sizes).
	step warm_write_64 "$bin/ibodp_fault_lat" "${common[@]}" --op write -s 64 \
		--invalidate none --json "$out/$rxe/warm_write_64.json"
	timeout 300 ib_write_lat -d "$dev" -x "$gid" -p 18790 -F --odp -s 64 -n "$iters" \
		> "$out/$rxe/ib_write_lat_server.txt" 2>&1 &
	server=$!
	deadline=$((SECONDS + 30))
	until ss -Hltn 'sport = :18790' | grep -q .; do
		kill -0 "$server" 2>/dev/null && [ $SECONDS -lt $deadline ] || break
		sleep 0.05
	done
	step ib_write_lat timeout 300 ib_write_lat -d "$dev" -x "$gid" -p 18790 -F --odp -s 64 \
		-n "$iters" "${IB_ODP_IP:?}"
	wait "$server"
done
python3 "$repo/perftest/compare/report.py" "$out"
