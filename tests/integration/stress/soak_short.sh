#!/bin/bash
# A short soak (tools/soak runs the long one): 12 s of checked traffic
# between two processes while both sides' memory is churned; then 12 s in
# one process, where both buffers get the full churn. No mismatch, no
# error completion.
# xfail-stock: stock ODP copy breaks multi-packet transfers (the soak reports mismatches)
# timeout: 300
# needs: odp
. "$(dirname "$0")/../lib.sh"

port=18741
run_pair "$port" \
	"$BIN/perftest/ibodp_soak" -d "$SERVER_DEV" -x "$GID" -p "$port" --seconds 12 -- \
	"$BIN/perftest/ibodp_soak" -d "$CLIENT_DEV" -x "$GID" -p "$port" --seconds 12 \
	--json "$TEST_OUT/pair.json" "$SERVER_IP"
# Every operation ran and both sides were churned; how much of each depends
# on the kernel's speed (the debug kernel does a fraction), so no counts.
check_json "$TEST_OUT/pair.json" 'd["mismatches"] == 0' 'd["errors"] == 0' \
	'sorted(k for k, v in d["ops"].items() if v > 0) == ["cmp_swap", "fetch_add", "read", "send", "write"]' \
	'd["received"] > 0' '"fork" in d["churn"] and "fork" in d["peer_churn"]'
if [ -z "$SERVER_NS" ]; then
	"$BIN/perftest/ibodp_soak" -d "$IB_ODP_DEV" -x "$GID" --loopback --seconds 12 \
		--json "$TEST_OUT/loopback.json" > "$TEST_OUT/loopback.txt" ||
		fail "loopback soak failed: $(tail -n 20 "$TEST_OUT/loopback.txt")"
	check_json "$TEST_OUT/loopback.json" 'd["mismatches"] == 0' 'd["errors"] == 0' \
		'd["ops"].get("fetch_add", 0) > 0' '"dontneed" in d["churn"]'
fi
