#!/bin/bash
# The comparison suite in its quick form: stock and ours in two ABBA
# rounds in this boot, a Markdown report with intervals, JSON, CSV and PNG
# plots. It switches rxe modules, so it runs last in the "ours" boot and
# switches back afterwards.
# topology: loopback
# rxe: ours
# timeout: 900
# The comparison is stock against ours on ODP memory; trixie's stock
# rxe (6.12) has no ODP to compare with, so it runs on sid only.
# distro: sid
. "$(dirname "$0")/../lib.sh"

rc=0
perftest/compare/run.sh --quick "$TEST_OUT/bench" > "$TEST_OUT/run.log" 2>&1 || rc=$?
tools/vm/guest/rxe-switch "$IB_ODP_RXE" > /dev/null || fail "could not switch back to $IB_ODP_RXE"
[ $rc -eq 0 ] || fail "compare/run.sh exited $rc"
for f in report.md summary.json summary.csv fault_latency.png registration_cost.png; do
	[ -s "$TEST_OUT/bench/$f" ] || fail "missing $f"
done
for png in "$TEST_OUT"/bench/*.png; do
	[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		fail "$png is not a PNG"
done
# Two rounds, interleaved ABBA.
[ "$(awk '{print $1 $2}' "$TEST_OUT/bench/rounds.txt" | tr '\n' ' ')" = "1stock 1ours 2ours 2stock " ] ||
	fail "rounds not interleaved ABBA: $(tr '\n' ' ' < "$TEST_OUT/bench/rounds.txt")"
grep -q '^\[bench\] round 2/2' "$TEST_OUT/run.log" || fail "no progress lines"
grep -q '^| ours | write |' "$TEST_OUT/bench/report.md" || fail "no fault row for ours"
grep -q -- '- ours: none' "$TEST_OUT/bench/report.md" || fail "a measurement failed on ours"
check_json "$TEST_OUT/bench/summary.json" 'd["ours.fault_write.mismatches"]["value"] == 0'
# Every ratio carries its interval and verdict; a cost is never negative.
check_json "$TEST_OUT/bench/summary.json" \
	'all("ci_low" in v and "ci_high" in v and "verdict" in v for k, v in d.items() if k.startswith("ratio."))'
check_json "$TEST_OUT/bench/summary.json" \
	'all(v["value"] >= 0 and v["ci_low"] >= 0 for k, v in d.items() if k.endswith("fault_cost_p50_us"))'
check_json "$TEST_OUT/bench/summary.json" 'd["ours.fault_write.odp_faults_per_cold_sample"]["value"] >= 1'
grep -q '^figure,value,ci_low,ci_high,verdict,noisy$' "$TEST_OUT/bench/summary.csv" || fail "CSV header"
# MPI ping-pong (docs/mpi.md) where the trixie build has ibodp_mpi: a row
# per size, ours' replies all intact, and its cold rendezvous sizes (8 KiB
# and up go zero-copy from the dropped buffers) faulting.
if tools/vm/guest/mpi-run --binary > /dev/null 2>&1; then
	grep -q '^| 4 MiB | ' "$TEST_OUT/bench/report.md" || fail "no MPI ping-pong row for 4 MiB"
	check_json "$TEST_OUT/bench/ours/r1/mpi_pingpong.json" \
		'[r["size"] for r in d["rows"]] == [8, 65536, 4194304] and all(r["mismatches"] == 0 for r in d["rows"])' \
		'all(r["odp_faults_cold"] > 0 for r in d["rows"] if r["size"] >= 8192)'
fi
