#!/bin/bash
# ODP counters through the RDMA stack: `rdma statistic show link DEV/1`
# lists every counter of ib_odp's debugfs counters file as "odp_" + its
# name, with the same value while nothing runs (one list, IB_ODP_COUNTERS),
# and faults, pages faulted, invalidations and prefetches move as faulting
# traffic runs (prefetches where the device can prefetch), fault errors do
# not. Stock rxe has no such counters: it reports them unsupported (skip).
# topology: loopback
. "$(dirname "$0")/../lib.sh"

stat() { rdma statistic show link "$IB_ODP_DEV/1" </dev/null | tr ' ' '\n' | awk -v k="$1" '$0 == k { getline; print; exit }'; }
if [ -z "$(stat odp_faults)" ]; then
	[ "$IB_ODP_RXE" = stock ] || fail "our rxe lists no ODP counters"
	echo "stock rxe: ODP counters unsupported"
	exit 77
fi
counters=/sys/kernel/debug/ib_odp/$IB_ODP_DEV/counters
[ -r "$counters" ] || fail "no $counters"
names=()
declare -A before
while read -r name value; do
	names+=("odp_$name")
	before[odp_$name]=$(stat "odp_$name")
	[ "${before[odp_$name]}" = "$value" ] ||
		fail "rdma statistic odp_$name is '${before[odp_$name]}', debugfs $name is $value"
done < "$counters"
[ ${#names[@]} -ge 10 ] || fail "only ${#names[@]} counters in $counters"
listed=$(rdma statistic show link "$IB_ODP_DEV/1" | tr ' ' '\n' | grep -c '^odp_')
[ "$listed" -eq ${#names[@]} ] ||
	fail "rdma statistic lists $listed odp_ counters, debugfs ${#names[@]}"
"$BIN/perftest/ibodp_fault_lat" -d "$IB_ODP_DEV" -x "$GID" --loopback -s 64 -n 10 \
	> "$TEST_OUT/run.txt" || fail "ibodp_fault_lat failed"
moving=(odp_faults odp_pages_faulted odp_invalidations)
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
[ "$(stat odp_faults)" -ge $((before[odp_faults] + 10)) ] ||
	fail "fewer page faults than cold samples"
[ "$(stat odp_fault_errors)" -eq "${before[odp_fault_errors]}" ] ||
	fail "odp_fault_errors moved (${before[odp_fault_errors]} -> $(stat odp_fault_errors))"
