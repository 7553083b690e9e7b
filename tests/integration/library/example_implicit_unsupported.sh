#!/bin/bash
# Implicit ODP where the device does not advertise it: the example must
# refuse with a message that names the device and the missing feature.
# topology: loopback
. "$(dirname "$0")/../lib.sh"

caps=$("$BIN/perftest/ibodp_caps" --json -d "$IB_ODP_DEV")
if grep -q '"implicit": true' <<<"$caps"; then
	echo "$IB_ODP_DEV supports implicit ODP; covered by the implicit tests"
	exit 77
fi
if "$BIN/examples/odp_write_read" -d "$IB_ODP_DEV" --mr implicit -p 18725 127.0.0.1 \
	2>"$TEST_OUT/err.txt"; then
	fail "implicit ODP was accepted on a device without it"
fi
grep -q "$IB_ODP_DEV does not support implicit ODP" "$TEST_OUT/err.txt" ||
	fail "unclear error: $(cat "$TEST_OUT/err.txt")"
