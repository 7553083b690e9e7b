#!/bin/bash
# Our library's device discovery against the real device: rxe reports
# explicit ODP with RDMA WRITE and READ on RC, an active port, and the
# IPv4-mapped RoCE v2 GID of 192.0.2.1 at index 1.
# topology: loopback
# needs: odp
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
port = dev["ports"][0]
assert port["state"] == "active", dev
gids = {g["index"]: g for g in port["gids"]}
assert gids[1]["gid"].endswith("ffff:c000:0201"), gids   # 192.0.2.1
assert gids[1]["type"] == "RoCE v2", gids
PY
"$BIN/perftest/ibodp_caps" -d no_such_dev 2>"$TEST_OUT/err.txt" &&
	fail "an unknown device was accepted"
grep -q "no RDMA device named 'no_such_dev'" "$TEST_OUT/err.txt" ||
	fail "unknown device error does not name the device: $(cat "$TEST_OUT/err.txt")"
