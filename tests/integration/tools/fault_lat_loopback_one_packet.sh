#!/bin/bash
# ibodp_fault_lat in one process, 64-byte writes and reads: every cold
# sample faults (ours: proven by the counters), every byte is verified, and
# the JSON and CSV files are well formed.
# topology: loopback
# needs: odp
. "$(dirname "$0")/../lib.sh"

for op in write read; do
	"$BIN/perftest/ibodp_fault_lat" -d "$IB_ODP_DEV" -x "$GID" --loopback --op "$op" -s 64 \
		-n 20 --json "$TEST_OUT/$op.json" --csv "$TEST_OUT/$op.csv" > "$TEST_OUT/$op.txt" ||
		fail "ibodp_fault_lat --op $op exited $?"
	grep -q 'data mismatches: 0' "$TEST_OUT/$op.txt" || fail "$op: mismatches"
	check_json "$TEST_OUT/$op.json" 'd["cold"]["count"] == 20' 'd["warm"]["count"] == 20' \
		'd["mismatches"] == 0' 'len(d["cold_samples_us"]) == 20' \
		'd["cold"]["min_us"] <= d["cold"]["p50_us"] <= d["cold"]["p99_9_us"] <= d["cold"]["max_us"]'
	if [ "$IB_ODP_RXE" = ours ]; then
		check_json "$TEST_OUT/$op.json" 'd["odp_faults"] >= 20'
	fi
	[ "$(wc -l < "$TEST_OUT/$op.csv")" -eq 41 ] || fail "$op: CSV should have 40 samples"
done
