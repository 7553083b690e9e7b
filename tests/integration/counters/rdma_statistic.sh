#!/bin/bash
# ODP counters through the RDMA stack: `rdma statistic show link DEV/1`
# lists page faults, pages faulted, invalidations, prefetches and fault
# errors, and they move as faulting traffic runs (prefetches where the
# device can prefetch). Stock rxe has no such counters: it reports them
# unsupported (skip).
# topology: loopback
. "$(dirname "$0")/../lib.sh"

stat() { rdma statistic show link "$IB_ODP_DEV/1" | tr ' ' '\n' | awk -v k="$1" '$0 == k { getline; print; exit }'; }
names=(odp_page_faults odp_pages_faulted odp_invalidations odp_prefetches odp_fault_errors)
if [ -z "$(stat odp_page_faults)" ]; then
	[ "$IB_ODP_RXE" = stock ] || fail "our rxe lists no ODP counters"
	echo "stock rxe: ODP counters unsupported"
	exit 77
fi
declare -A before
for n in "${names[@]}"; do
	before[$n]=$(stat "$n")
	[ -n "${before[$n]}" ] || fail "$n is not listed"
done
"$BIN/perftest/ibodp_fault_lat" -d "$IB_ODP_DEV" -x "$GID" --loopback -s 64 -n 10 \
	> "$TEST_OUT/run.txt" || fail "ibodp_fault_lat failed"
moving=(odp_page_faults odp_pages_faulted odp_invalidations)
prefetch=$(if_prefetch --prefetch)
if [ -n "$prefetch" ]; then
	"$BIN/perftest/ibodp_fault_lat" -d "$IB_ODP_DEV" -x "$GID" --loopback -s 64 -n 5 \
		"$prefetch" > "$TEST_OUT/prefetch.txt" || fail "ibodp_fault_lat --prefetch failed"
	moving+=(odp_prefetches)
fi
rdma statistic show link "$IB_ODP_DEV/1" > "$TEST_OUT/after.txt"
for n in "${moving[@]}"; do
	after=$(stat "$n")
	[ "$after" -gt "${before[$n]}" ] || fail "$n did not move (${before[$n]} -> $after)"
done
[ "$(stat odp_page_faults)" -ge $((before[odp_page_faults] + 10)) ] ||
	fail "fewer page faults than cold samples"
[ "$(stat odp_fault_errors)" -eq "${before[odp_fault_errors]}" ] ||
	fail "odp_fault_errors moved (${before[odp_fault_errors]} -> $(stat odp_fault_errors))"
