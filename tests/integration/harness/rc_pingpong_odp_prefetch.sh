#!/bin/bash
# ibv_rc_pingpong on ODP memory prefetched with ibv_advise_mr (-o -P),
# checking the received buffers (-c).
# needs: odp prefetch
. "$(dirname "$0")/../lib.sh"

port=18602
run_pair "$port" \
	ibv_rc_pingpong -d "$SERVER_DEV" -g "$GID" -p "$port" -o -P -c -- \
	ibv_rc_pingpong -d "$CLIENT_DEV" -g "$GID" -p "$port" -o -P -c "$SERVER_IP"
grep -q 'iters in' "$TEST_OUT/client.log" || fail "client printed no result"
