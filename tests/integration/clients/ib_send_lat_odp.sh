#!/bin/bash
# perftest's ib_send_lat with ODP registration (--odp) on both sides between two
# processes; both must finish and the client must print its result table.
. "$(dirname "$0")/../lib.sh"

port=18612
run_pair "$port" \
	ib_send_lat -d "$SERVER_DEV" -x "$GID" -p "$port" -F --odp -n 300 -- \
	ib_send_lat -d "$CLIENT_DEV" -x "$GID" -p "$port" -F --odp -n 300 "$SERVER_IP"
grep -Eq '^ *2 +300 ' "$TEST_OUT/client.log" ||
	fail "no result line in the client output"
