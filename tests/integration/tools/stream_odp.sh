#!/bin/bash
# ibodp_stream over fresh ODP memory, with and without prefetch, and with
# random sparse writes: every 64 KiB message verified.
# topology: loopback
# xfail-stock: stock ODP copy breaks multi-packet transfers (the tool reports the mismatches)
# needs: odp
. "$(dirname "$0")/../lib.sh"

for mode in "" $(if_prefetch --prefetch) "--random 32"; do
	# shellcheck disable=SC2086
	"$BIN/perftest/ibodp_stream" -d "$IB_ODP_DEV" -x "$GID" --mr odp $mode --region 4M \
		-s 64K -n 1 --json "$TEST_OUT/s.json" > "$TEST_OUT/s.txt" ||
		fail "ibodp_stream $mode exited $?"
	check_json "$TEST_OUT/s.json" 'd["mismatches"] == 0'
done
check_json "$TEST_OUT/s.json" 'd["random"] and d["messages"] == 32'
