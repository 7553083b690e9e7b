#!/bin/bash
# Fault-around on our rxe: with ib_odp.fault_around_pages=16, a cold
# sequential stream of 4 KiB writes over 1 MiB (4 KiB pages, THP off)
# faults once per 16 pages, and every message still arrives intact.
# Stock has no fault-around (skip).
# topology: loopback
. "$(dirname "$0")/../lib.sh"

param=/sys/module/ib_odp/parameters/fault_around_pages
thp=/sys/kernel/mm/transparent_hugepage/enabled
if ! [ -w "$param" ]; then
	echo "stock rxe: no fault-around"
	exit 77
fi
old=$(cat "$param")
old_thp=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp")
restore() { echo "$old" > "$param"; echo "$old_thp" > "$thp"; }
trap restore EXIT
echo never > "$thp"
faults() { odp_counter "$IB_ODP_DEV" faults; }
for window in 1 16; do
	echo "$window" > "$param"
	before=$(faults)
	"$BIN/perftest/ibodp_stream" -d "$IB_ODP_DEV" -x "$GID" --mr odp -s 4K --region 1M -n 1 \
		--json "$TEST_OUT/w$window.json" > "$TEST_OUT/w$window.txt" ||
		fail "ibodp_stream with window $window exited $?"
	check_json "$TEST_OUT/w$window.json" 'd["mismatches"] == 0'
	got=$(( $(faults) - before ))
	# Blocks are aligned in the address space: an unaligned 1 MiB region
	# touches one block more.
	want=$((256 / window))
	[ "$got" -ge "$want" ] && [ "$got" -le $((want + (window > 1 ? 1 : 0))) ] ||
		fail "window $window: $got faults, want $want (or one more if unaligned)"
done
