#!/bin/bash
# ibv_rc_pingpong with implicit ODP (-O: one MR over the whole address
# space), plain and with prefetch (-O -P), checking the received buffers
# (-c): 1000 round trips of 4 KiB SEND/RECV between two processes.
# needs: odp implicit-odp
. "$(dirname "$0")/../lib.sh"

for prefetch in "" $(if_prefetch -P); do
	port=$((18604 + ${#prefetch}))
	run_pair "$port" \
		ibv_rc_pingpong -d "$SERVER_DEV" -g "$GID" -p "$port" -O $prefetch -c -- \
		ibv_rc_pingpong -d "$CLIENT_DEV" -g "$GID" -p "$port" -O $prefetch -c "$SERVER_IP"
	grep -q 'iters in' "$TEST_OUT/client.log" || fail "client printed no result ($prefetch)"
done
