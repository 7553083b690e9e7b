#!/bin/bash
# A process killed (SIGKILL) while it registers, faults and transfers on
# ODP memory leaves nothing behind: after it is reaped the device has no
# ODP regions left (ours: debugfs), and after six kills unreclaimable slab
# is within 4 MiB of where it was after a first (warm-up) kill (two kills
# on the debug kernel, whose kmemleak checks every object instead).
# MemAvailable is reported, not checked: it drops by about 20 MiB over the
# six kills on stock and ours alike (page tables, per-CPU and module
# memory settle), which hides nothing our layer could leak per kill.
# topology: loopback
# timeout: 300
# needs: odp
. "$(dirname "$0")/../lib.sh"

regions() { odp_region_count "$IB_ODP_DEV"; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
settle() { sync; echo 3 > /proc/sys/vm/drop_caches; }
# regions_back_to COUNT: wait (at most 30 s) until the region count is
# COUNT again. A soak killed right after its churn forked leaves the child,
# which holds the verbs file too, to exit on its own after the soak is
# reaped; its MRs go with its exit (a trixie run counted 2 left at once).
# A leaked region never comes back, so the bound only ends the wait.
regions_back_to() {
	local deadline=$(( SECONDS + 30 ))
	while [ "$(regions)" != "$1" ] && [ $SECONDS -lt $deadline ]; do
		sleep 0.2
	done
}

# kill_soak PHASE RUN: start a loopback soak and SIGKILL it in PHASE
# (start: while it sets up and registers; traffic: while it faults and
# transfers, RUN tenths of a second after its traffic started).
kill_soak() {
	local phase=$1 run=$2 pid err=$TEST_OUT/$1$2.err
	"$BIN/perftest/ibodp_soak" -d "$IB_ODP_DEV" -x "$GID" --loopback --slots 512 \
		--seconds 120 > "$TEST_OUT/$phase$run.out" 2> "$err" &
	pid=$!
	if [ "$phase" = traffic ]; then
		for _ in $(seq 600); do
			grep -q 'traffic started' "$err" && break
			kill -0 "$pid" 2>/dev/null || fail "ibodp_soak exited early: $(cat "$err")"
			sleep 0.05
		done
		grep -q 'traffic started' "$err" || fail "no traffic after 30 s"
		sleep "0.$run"
	fi
	if ! kill -KILL "$pid" 2>/dev/null; then
		# Stock's multi-packet defect gives error completions, which
		# end the soak by itself, sometimes before the kill; ours must
		# still be running.
		[ "$IB_ODP_RXE" = stock ] ||
			fail "ibodp_soak ended before it was killed ($phase $run): $(tail -n 3 "$err")"
		echo "$phase $run: the soak ended by itself before the kill (stock's copy defect)"
	fi
	wait "$pid" 2>/dev/null || true
}

initial_regions=$(regions)
kill_soak traffic 0
regions_back_to "$initial_regions"
settle
before_mem=$(meminfo MemAvailable)
before_slab=$(meminfo SUnreclaim)
before_regions=$(regions)
# Three kills per phase; one on the debug kernel, where each costs about
# twenty seconds and KASAN and kmemleak, not the count, find what leaks.
runs="1 2 3"
[ "${IB_ODP_KERNEL:-image}" = debug ] && runs=1
for phase in start traffic; do
	for run in $runs; do
		kill_soak "$phase" "$run"
	done
done
regions_back_to "$before_regions"
settle
after_mem=$(meminfo MemAvailable)
after_slab=$(meminfo SUnreclaim)
after_regions=$(regions)
echo "regions before $before_regions after $after_regions;" \
	"MemAvailable before $before_mem KiB after $after_mem KiB;" \
	"SUnreclaim before $before_slab KiB after $after_slab KiB"
[ "$after_regions" = "$before_regions" ] || fail "ODP regions left behind: $after_regions"
[ "$after_regions" = none ] || [ "$after_regions" -eq 0 ] ||
	fail "ODP regions left behind: $after_regions"
[ $((after_slab - before_slab)) -lt 4096 ] ||
	fail "unreclaimable slab grew by $((after_slab - before_slab)) KiB"
