#!/bin/bash
# ibodp_reg_cost on small sizes: every kind is measured or reports why not.
# topology: loopback
# needs: odp
. "$(dirname "$0")/../lib.sh"

"$BIN/perftest/ibodp_reg_cost" -d "$IB_ODP_DEV" -n 2 --max-size 1M --json "$TEST_OUT/reg.json" \
	--csv "$TEST_OUT/reg.csv" > "$TEST_OUT/reg.txt" || fail "ibodp_reg_cost exited $?"
check_json "$TEST_OUT/reg.json" \
	'sorted({r["kind"] for r in d["rows"]}) == ["implicit_odp", "odp", "pinned"]' \
	'all(r["reg"]["count"] == 2 for r in d["rows"] if r["kind"] != "implicit_odp")' \
	'all(r["error"] == "" for r in d["rows"] if r["kind"] != "implicit_odp")'
[ "$(wc -l < "$TEST_OUT/reg.csv")" -eq 8 ] || fail "CSV: expected 7 rows"
