#!/bin/bash
# Fault-around on our rxe: a sequential stream of 4 KiB writes over 1 MiB
# (4 KiB pages, THP off) into memory the process has touched (--touch)
# faults once per page with ib_odp.fault_around_pages=1 and once per 16
# pages with 16; into fresh memory it faults once per page either way, as
# fault-around only mirrors pages the CPU maps. Every message still
# arrives intact. Stock has no fault-around (skip).
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
# stream WINDOW NAME [ibodp_stream flags]: one pass; its faults in $seen.
stream() {
	local window=$1 name=$2
	shift 2
	echo "$window" > "$param"
	local before
	before=$(faults)
	"$BIN/perftest/ibodp_stream" -d "$IB_ODP_DEV" -x "$GID" --mr odp -s 4K --region 1M -n 1 \
		"$@" --json "$TEST_OUT/$name.json" > "$TEST_OUT/$name.txt" ||
		fail "ibodp_stream ($name) exited $?"
	check_json "$TEST_OUT/$name.json" 'd["mismatches"] == 0'
	seen=$(( $(faults) - before ))
}
# expect NAME GOT WANT: blocks are aligned in the address space, so an
# unaligned region may touch one block more.
expect() {
	[ "$2" -ge "$3" ] && [ "$2" -le $(($3 + 1)) ] ||
		fail "$1: $2 faults, want $3 (or one more if unaligned)"
	echo "$1: $2 faults"
}
stream 1 touched-w1 --touch
expect "touched, window 1" "$seen" 256
stream 16 touched-w16 --touch
expect "touched, window 16" "$seen" 16
stream 16 fresh-w16
expect "fresh, window 16" "$seen" 256
