#!/bin/bash
# ibodp_fault_lat as server and client (over the set-up TCP connection the
# client asks the server to drop its pages before each cold sample).
# needs: odp
. "$(dirname "$0")/../lib.sh"

for op in write read send; do
	port=$((18730 + ${#op}))
	run_pair "$port" \
		"$BIN/perftest/ibodp_fault_lat" -d "$SERVER_DEV" -x "$GID" -p "$port" --op "$op" -s 64 -n 10 -- \
		"$BIN/perftest/ibodp_fault_lat" -d "$CLIENT_DEV" -x "$GID" -p "$port" --op "$op" -s 64 -n 10 \
		--json "$TEST_OUT/$op.json" "$SERVER_IP"
	check_json "$TEST_OUT/$op.json" 'd["mismatches"] == 0' 'd["cold"]["count"] == 10'
done
