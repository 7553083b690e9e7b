#!/bin/bash
# fault_cost.sh [ROUNDS [SAMPLES]]: inside the VM (tools/vm/run --rxe
# ours), the cost of one cold 4 KiB fault (cold - warm, paired) of stock
# rxe and ours, for an RDMA WRITE and READ into ODP memory whose pages
# were dropped, in ROUNDS rounds (default 4) of SAMPLES cold samples each
# (default 300), alternating stock ours | ours stock, in this one boot.
# Prints the cost of each with its 95% interval and the ratio ours/stock
# (perftest/compare/stats.py). The focused form of the compare suite's
# cold-fault figure, with enough samples to resolve it under TCG.
set -euo pipefail
rounds=${1:-4}
samples=${2:-300}
case "$rounds:$samples" in
*[!0-9:]* | :* | *:) echo "usage: fault_cost.sh [ROUNDS [SAMPLES]]" >&2; exit 2 ;;
esac
repo=$(cd "$(dirname "$0")/../.." && pwd)
dev=${IB_ODP_DEV:?run inside tools/vm/run}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
back=${IB_ODP_RXE:-ours}
for round in $(seq "$rounds"); do
	order="stock ours"
	[ $((round % 2)) -eq 0 ] && order="ours stock"
	for rxe in $order; do
		"$repo/tools/vm/guest/rxe-switch" "$rxe" > /dev/null
		for op in write read; do
			echo "[fault_cost] round $round/$rounds, $rxe: $op" >&2
			# Stock's 4 KiB transfers land misplaced (its multi-packet
			# ODP defect): the tool then exits 1, its timings stand.
			"$repo/build/cmake/perftest/ibodp_fault_lat" -d "$IB_ODP_DEV" -x "${IB_ODP_GID_INDEX:-1}" \
				--loopback --op "$op" -s 4096 --invalidate responder -n "$samples" \
				--json "$out/$rxe-$op-$round.json" > "$out/$rxe-$op-$round.txt" 2>&1 || true
			[ -s "$out/$rxe-$op-$round.json" ] ||
				{ cat "$out/$rxe-$op-$round.txt" >&2; exit 1; }
		done
	done
done
"$repo/tools/vm/guest/rxe-switch" "$back" > /dev/null
PYTHONPATH=$repo/perftest/compare python3 - "$out" "$rounds" <<'EOF'
import json
import sys

import stats

out, rounds = sys.argv[1], int(sys.argv[2])


def samples(rxe, op, kind):
    return [json.load(open("%s/%s-%s-%d.json" % (out, rxe, op, r)))[kind + "_samples_us"]
            for r in range(1, rounds + 1)]


print("| op | stock cost [µs] | ours cost [µs] | ours/stock |")
print("|---|---:|---:|---|")
for op in ("write", "read"):
    cost, diffs = {}, {}
    for rxe in ("stock", "ours"):
        cold, warm = samples(rxe, op, "cold"), samples(rxe, op, "warm")
        cost[rxe] = stats.paired_cost_ci(cold, warm)
        diffs[rxe] = [[c - w for c, w in zip(cr, wr)] for cr, wr in zip(cold, warm)]
    if cost["stock"][1] > 0:
        r, low, high = stats.ratio_ci(diffs["ours"], diffs["stock"])
        ratio = "%.2f [%.2f, %.2f] %s" % (r, low, high, stats.verdict(low, high))
    else:
        ratio = "n/a: stock's cost is not above 0"
    print("| %s | %.0f [%.0f, %.0f] | %.0f [%.0f, %.0f] | %s |" % (
        op, *cost["stock"][:3], *cost["ours"][:3], ratio))
EOF
