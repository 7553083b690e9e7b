#!/bin/bash
# ibodp_fault_lat with 4 KiB (4 packets) writes, dropping both sides: the
# tool's own data check must find every sample intact.
# topology: loopback
# xfail-stock: stock ODP copy breaks multi-packet transfers (the tool reports the mismatches)
# needs: odp
. "$(dirname "$0")/../lib.sh"

"$BIN/perftest/ibodp_fault_lat" -d "$IB_ODP_DEV" -x "$GID" --loopback --op write -s 4096 \
	--invalidate both -n 20 --json "$TEST_OUT/write.json" > "$TEST_OUT/write.txt" ||
	fail "ibodp_fault_lat exited $? ($(grep mismatches "$TEST_OUT/write.txt"))"
check_json "$TEST_OUT/write.json" 'd["mismatches"] == 0' 'd["invalidate"] == "both"'
