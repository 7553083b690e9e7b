#!/bin/bash
# UCX moving checked data through ODP memory: UCX's io_demo (-q: every
# 8-byte word carries its index, connection and seed and is checked on
# arrival) between two processes, reads and writes of 256 KiB to 1 MiB
# that go zero-copy (rendezvous) from and to ODP-registered buffers
# (ucx_env). Passes when the client finishes with status OK and neither
# side reports a corrupt word; on ours the fault counter moves.
# xfail-stock: stock ODP copy ignores the in-page offset: io_demo finds corrupt words
# timeout: 300
# needs: odp
. "$(dirname "$0")/../lib.sh"

port=18752
sizes=262144:1048576
before=$(odp_faults)
rc=0
# A corrupt word is the verdict: without this the client reconnects to the
# server that dropped it until its deadline.
export UCX_STOP_ON='data corruption|expected: segment'
ucx_pair "$port" io_demo -q -p "$port" -d "$sizes" -- \
	io_demo -q -p "$port" -d "$sizes" -o read,write -i 200 "$SERVER_IP" || rc=$?

if grep -m 3 'expected: segment' "$TEST_OUT/client.log" "$TEST_OUT/server.log"; then
	fail "io_demo found corrupt data"
fi
grep -q "Client exit with status 'OK'" "$TEST_OUT/client.log" ||
	fail "io_demo client did not finish with status OK: $(tail -n 5 "$TEST_OUT/client.log")"
[ $rc -eq 0 ] || fail "io_demo client exited $rc"
if [ "$IB_ODP_RXE" = ours ]; then
	after=$(odp_faults)
	[ "$after" -gt "$before" ] || fail "no ODP faults: io_demo's data did not use ODP memory"
	echo "ODP faults during the run: $((after - before))"
fi
