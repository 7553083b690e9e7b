#!/bin/bash
# Our library's device discovery against the real device: rxe reports
# explicit ODP with RDMA WRITE and READ on RC, and an active port.
# topology: loopback
. "$(dirname "$0")/../lib.sh"

"$BIN/perftest/ibodp_caps" --json -d "$IB_ODP_DEV" > "$TEST_OUT/caps.json"
python3 - "$TEST_OUT/caps.json" "$IB_ODP_DEV" <<'PY'
import json, sys
devices = json.load(open(sys.argv[1]))
assert len(devices) == 1, devices
dev = devices[0]
assert dev["name"] == sys.argv[2], dev
assert dev["odp"]["supported"] is True, dev
rc = dev["odp"]["rc"].split(",")
for op in ("send", "recv", "write", "read", "atomic"):
    assert op in rc, f"rc ODP lacks {op}: {dev}"
assert dev["ports"][0]["state"] == "active", dev
PY
"$BIN/perftest/ibodp_caps" -d no_such_dev 2>"$TEST_OUT/err.txt" &&
	fail "an unknown device was accepted"
grep -q "no RDMA device named 'no_such_dev'" "$TEST_OUT/err.txt" ||
	fail "unknown device error does not name the device: $(cat "$TEST_OUT/err.txt")"
