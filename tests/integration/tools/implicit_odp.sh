#!/bin/bash
# The tools on implicit ODP: ibodp_fault_lat (cold samples fault; ours:
# the counters show it) and ibodp_stream over fresh memory, every byte
# verified.
# topology: loopback
# needs: odp implicit-odp
. "$(dirname "$0")/../lib.sh"

"$BIN/perftest/ibodp_fault_lat" -d "$IB_ODP_DEV" -x "$GID" --loopback --mr implicit --op write \
	-s 8K -n 20 --json "$TEST_OUT/lat.json" > "$TEST_OUT/lat.txt" ||
	fail "ibodp_fault_lat --mr implicit exited $?"
check_json "$TEST_OUT/lat.json" 'd["mismatches"] == 0' 'd["cold"]["count"] == 20' \
	'd["mr"] == "implicit_odp"'
if [ "$IB_ODP_RXE" = ours ]; then
	check_json "$TEST_OUT/lat.json" 'd["odp_faults"] >= 20'
fi

for mode in "" $(if_prefetch --prefetch); do
	"$BIN/perftest/ibodp_stream" -d "$IB_ODP_DEV" -x "$GID" --mr implicit $mode --region 4M \
		-s 64K -n 1 --json "$TEST_OUT/s.json" > "$TEST_OUT/s.txt" ||
		fail "ibodp_stream --mr implicit $mode exited $?"
	check_json "$TEST_OUT/s.json" 'd["mismatches"] == 0' 'd["mr"] == "implicit_odp"'
done
