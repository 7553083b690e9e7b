#!/bin/bash
# A rank dies mid-transfer: in ibodp_mpi's ping-pong of 4 MiB messages on
# ODP memory, rank 1 starts its reply and kills itself (SIGKILL). mpirun
# must notice, end the surviving rank and exit non-zero well within its
# bound, leave no ibodp_mpi behind, and (ours) every ODP region of both
# ranks must be gone.
# topology: loopback
# timeout: 300
# needs: odp
. "$(dirname "$0")/../lib.sh"

regions_before=$(odp_region_count "$IB_ODP_DEV")
rc=0
mpi_run 120 --bench --sizes 4M -n 10 --die-after 5 || rc=$?
grep -av 'UCX  ERROR' "$TEST_OUT/mpi.log" || true
[ $rc -ne 124 ] || fail "mpirun did not end within 120 s of a rank's death"
[ $rc -ne 0 ] || fail "mpirun exited 0 although rank 1 died"
grep -q 'rank 1 kills itself' "$TEST_OUT/mpi.log" ||
	fail "rank 1 never reached its death: the job failed before the transfer"
deadline=$(( SECONDS + 30 ))
while pgrep -x ibodp_mpi > /dev/null; do
	[ $SECONDS -lt $deadline ] || fail "ibodp_mpi still running 30 s after mpirun exited: $(pgrep -ax ibodp_mpi)"
	sleep 0.2
done
if [ "$regions_before" != none ]; then
	regions=$(odp_region_count "$IB_ODP_DEV")
	[ "$regions" = "$regions_before" ] ||
		fail "ODP regions left behind: $regions (before the job: $regions_before)"
fi
# How rank 0 ended, for the log: its own MPI call failed (MPI_Abort),
# UCX found the peer's memory gone and aborted it, or mpirun ended it.
how=$(grep -a -m 3 -E '^ibodp_mpi: rank 0: MPI_|completion with error|noticed that process|calling "abort"' \
	"$TEST_OUT/mpi.log" | tr -s ' \n' ' ')
echo "mpirun exited $rc after rank 1's death ($how); ODP regions: $regions_before before, $(odp_region_count "$IB_ODP_DEV") after"
