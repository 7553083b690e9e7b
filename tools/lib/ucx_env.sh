# shellcheck shell=bash
# ucx_env DEV GID: the environment (NAME=value words, for env or mpirun -x)
# that makes UCX use rxe device DEV with ODP. The one place that says how
# UCX runs on rxe, for the tests (tests/integration/lib.sh) and mpi-run
# (tools/vm/guest/mpi-run); docs/perftest.md and docs/mpi.md explain it:
#   UCX_REG_NONBLOCK_MEM_TYPES=host  every registration of host memory is
#       non-blocking, which UCX maps to ODP; a device without ODP would be
#       left out of host registrations and the run would fail, not pin;
#   UCX_TLS=rc_verbs,tcp  RC for data; TCP on DEV's own netdev only as the
#       auxiliary wire-up transport (UCX's UD wire-up times out on rxe);
#       no shared memory, so data between two processes crosses rxe;
#   UCX_MAX_RNDV_LANES=1  rendezvous on RC alone, never split over TCP;
#   UCX_RNDV_THRESH=8k  messages of 8 KiB and more go zero-copy from the
#       application's (ODP-registered) buffers instead of bounce buffers.
ucx_env() {
	local netdev
	netdev=$(cat "/sys/class/infiniband/$1/ports/1/gid_attrs/ndevs/$2")
	echo "UCX_NET_DEVICES=$1:1,$netdev UCX_TLS=rc_verbs,tcp UCX_IB_GID_INDEX=$2" \
	     "UCX_REG_NONBLOCK_MEM_TYPES=host UCX_MAX_RNDV_LANES=1 UCX_RNDV_THRESH=8k"
}
