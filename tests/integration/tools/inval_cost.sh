#!/bin/bash
# ibodp_inval_cost: all three variants of both calls are measured, but
# odp_mirrored where the device cannot prefetch (its mirror is filled by a
# prefetch): there it says so instead.
# topology: loopback
# needs: odp
. "$(dirname "$0")/../lib.sh"

"$BIN/perftest/ibodp_inval_cost" -d "$IB_ODP_DEV" -s 256K -n 3 --json "$TEST_OUT/inval.json" \
	> "$TEST_OUT/inval.txt" || fail "ibodp_inval_cost exited $?"
mirrored='r["error"] == "" and r["time"]["count"] == 3'
if why=$(missing prefetch); then
	echo "odp_mirrored: $why"
	mirrored='r["error"].startswith("not measured: no prefetch") and r["time"]["count"] == 0'
fi
check_json "$TEST_OUT/inval.json" 'len(d["rows"]) == 6' \
	'all(r["pages"] == 64 for r in d["rows"])' \
	'all(r["error"] == "" and r["time"]["count"] == 3 for r in d["rows"] if r["variant"] != "odp_mirrored")' \
	"all($mirrored for r in d[\"rows\"] if r[\"variant\"] == \"odp_mirrored\")"
