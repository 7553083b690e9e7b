#!/bin/bash
# perftest's ib_write_lat with ODP registration (--odp) on both sides,
# 300 iterations; both processes must finish and the client must report
# a latency table.
. "$(dirname "$0")/../lib.sh"

port=18603
run_pair "$port" \
	ib_write_lat -d "$SERVER_DEV" -x "$GID" -p "$port" -F --odp -n 300 -- \
	ib_write_lat -d "$CLIENT_DEV" -x "$GID" -p "$port" -F --odp -n 300 "$SERVER_IP"
grep -Eq '^ *2 +300 ' "$TEST_OUT/client.log" ||
	fail "no latency line for 2 bytes x 300 iterations in the client output"
