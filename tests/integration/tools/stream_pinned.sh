#!/bin/bash
# ibodp_stream over pinned memory: throughput reported, every message verified.
# topology: loopback
. "$(dirname "$0")/../lib.sh"

"$BIN/perftest/ibodp_stream" -d "$IB_ODP_DEV" -x "$GID" --mr pinned --region 4M -s 64K -n 1 \
	--json "$TEST_OUT/s.json" > "$TEST_OUT/s.txt" || fail "ibodp_stream exited $?"
check_json "$TEST_OUT/s.json" 'd["mismatches"] == 0' 'd["mbps_p50"] > 0'
