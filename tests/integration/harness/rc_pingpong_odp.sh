#!/bin/bash
# ibv_rc_pingpong with an ODP memory region (-o), checking the received
# buffers (-c): 1000 round trips of 4 KiB SEND/RECV between two processes.
# needs: odp
. "$(dirname "$0")/../lib.sh"

port=18601
run_pair "$port" \
	ibv_rc_pingpong -d "$SERVER_DEV" -g "$GID" -p "$port" -o -c -- \
	ibv_rc_pingpong -d "$CLIENT_DEV" -g "$GID" -p "$port" -o -c "$SERVER_IP"
grep -q 'iters in' "$TEST_OUT/client.log" || fail "client printed no result"
