#!/bin/bash
# ibodp_inval_cost: all three variants of both calls are measured.
# topology: loopback
. "$(dirname "$0")/../lib.sh"

"$BIN/perftest/ibodp_inval_cost" -d "$IB_ODP_DEV" -s 256K -n 3 --json "$TEST_OUT/inval.json" \
	> "$TEST_OUT/inval.txt" || fail "ibodp_inval_cost exited $?"
check_json "$TEST_OUT/inval.json" 'len(d["rows"]) == 6' \
	'all(r["time"]["count"] == 3 and r["pages"] == 64 for r in d["rows"])'
