#!/bin/bash
# write_lat_compare.sh [-n ITERS] [-s SIZE] OUTDIR: in the guest, run
# perftest's ib_write_lat between two processes on the loaded rxe, once with
# pinned memory and once with --odp (warm: no page faults after the first
# pass), and write OUTDIR/report.md and OUTDIR/write_lat.csv with the ODP /
# pinned ratios. Figures come from one run in one boot.
set -euo pipefail
iters=1000 size=2
while getopts 'n:s:h' opt; do
	case $opt in
	n) iters=$OPTARG ;;
	s) size=$OPTARG ;;
	h) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || { echo "usage: write_lat_compare.sh [-n ITERS] [-s SIZE] OUTDIR" >&2; exit 2; }
outdir=$1
mkdir -p "$outdir"
. "$(dirname "$0")/../../tests/integration/lib.sh"
TEST_OUT=$outdir

# One ib_write_lat pair; prints the client's result row:
# bytes iters t_min t_max t_typical t_avg t_stdev p99 p99.9
measure() {
	local port=$1
	shift
	run_pair "$port" \
		ib_write_lat -d "$SERVER_DEV" -x "$GID" -p "$port" -F -s "$size" -n "$iters" "$@" -- \
		ib_write_lat -d "$CLIENT_DEV" -x "$GID" -p "$port" -F -s "$size" -n "$iters" "$@" "$SERVER_IP"
	awk -v s="$size" -v n="$iters" '$1 == s && $2 == n { print; exit }' "$TEST_OUT/client.log"
}

pinned=$(measure 18701)
odp=$(measure 18702 --odp)
[ -n "$pinned" ] && [ -n "$odp" ] || fail "ib_write_lat printed no result row"

{
	echo "mode,bytes,iterations,t_min_us,t_max_us,t_typical_us,t_avg_us,t_stdev_us,p99_us,p99_9_us"
	awk -v OFS=, '{ $1 = $1; print "pinned", $0 }' <<<"$pinned"
	awk -v OFS=, '{ $1 = $1; print "odp", $0 }' <<<"$odp"
} > "$outdir/write_lat.csv"

awk -F, -v rxe="${IB_ODP_RXE:-?}" -v kernel="$(uname -r)" '
NR == 2 { for (i = 4; i <= 10; i++) p[i] = $i }
NR == 3 { for (i = 4; i <= 10; i++) o[i] = $i }
END {
	printf "# Warm RDMA WRITE latency, pinned vs ODP (rxe %s, kernel %s)\n\n", rxe, kernel
	printf "ib_write_lat, %s bytes, %s iterations, one boot, loopback on one rxe device.\n\n", $2, $3
	printf "| figure | pinned (us) | ODP (us) | ODP / pinned |\n|---|---:|---:|---:|\n"
	split("t_min,t_max,t_typical (p50),t_avg,t_stdev,p99,p99.9", name, ",")
	for (i = 4; i <= 10; i++)
		printf "| %s | %.2f | %.2f | %.2f |\n", name[i - 3], p[i], o[i], (p[i] > 0 ? o[i] / p[i] : 0)
}' "$outdir/write_lat.csv" > "$outdir/report.md"
cat "$outdir/report.md"
