#!/bin/bash
# perftest's ib_write_bw with ODP registration (--odp) on both sides between two
# processes; both must finish and the client must print its result table.
. "$(dirname "$0")/../lib.sh"

port=18614
run_pair "$port" \
	ib_write_bw -d "$SERVER_DEV" -x "$GID" -p "$port" -F --odp -n 200 -s 65536 -- \
	ib_write_bw -d "$CLIENT_DEV" -x "$GID" -p "$port" -F --odp -n 200 -s 65536 "$SERVER_IP"
grep -Eq '^ *65536 +200 ' "$TEST_OUT/client.log" ||
	fail "no result line in the client output"
