#!/bin/bash
# fault_around.sh [PASSES]: inside the VM with our rxe, measure the
# fault-around window (module parameter ib_odp.fault_around_pages) on a
# sequential stream into fresh memory, the same into memory the process
# has touched (ibodp_stream --touch: what fault-around can mirror), and
# sparse random single-page writes into touched memory, in one boot, with
# transparent huge pages off. Prints a Markdown table of throughput and
# ODP faults per pass for each window.
set -u
passes=${1:-3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
param=/sys/module/ib_odp/parameters/fault_around_pages
[ -w "$param" ] || { echo "fault_around.sh: needs our rxe (ib_odp loaded)" >&2; exit 1; }
dev=${IB_ODP_DEV:?run inside tools/vm/run}
stream=$repo/build/cmake/perftest/ibodp_stream
. "$repo/tools/lib/odp_debugfs.sh"
faults() { odp_counter "$dev" faults; }
old=$(cat "$param")
# Transparent huge pages would map 2 MiB per fault whatever the window:
# measure 4 KiB pages.
thp=/sys/kernel/mm/transparent_hugepage/enabled
old_thp=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp")
echo never > "$thp"
echo "| window [pages] | sequential, fresh [MB/s] | faults | sequential, touched [MB/s] | faults | random 256 of 4096 pages, touched [MB/s] | faults |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
# run FLAGS...: "MB/s p50 | faults per pass" of one ibodp_stream.
run() {
	local f0 mbps
	f0=$(faults)
	mbps=$("$stream" -d "$dev" --mr odp -s 4K --region 16M -n "$passes" "$@" |
		sed -n 's/.*p50 \([0-9.]*\),.*/\1/p')
	echo "$mbps | $(( ($(faults) - f0) / passes ))"
}
for w in ${WINDOWS:-1 4 16 64 256}; do
	echo "$w" > "$param"
	echo "| $w | $(run) | $(run --touch) | $(run --touch --random 256) |"
done
echo "$old" > "$param"
echo "$old_thp" > "$thp"
