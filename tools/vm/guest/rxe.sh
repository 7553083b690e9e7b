# shellcheck shell=bash
# rxe set-up shared by stage2 (at boot) and rxe-switch (to change the rxe
# module within one boot). The caller defines fail MESSAGE.

# wait_for DESC SECONDS CMD...: poll until CMD succeeds, bounded in time.
wait_for() {
	local desc=$1 deadline=$(( $(date +%s) + $2 ))
	shift 2
	until "$@" 2>/dev/null; do
		[ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for $desc"
		sleep 0.05
	done
}

# in_ns NETNS CMD...: run CMD in NETNS, or here when NETNS is empty.
in_ns() {
	local ns=$1
	shift
	if [ -n "$ns" ]; then ip netns exec "$ns" "$@"; else "$@"; fi
}

# load_rxe stock|ours|none MODULE_DIR
load_rxe() {
	case $1 in
	none) return 0 ;;
	stock) modprobe rdma_rxe || fail "modprobe rdma_rxe failed" ;;
	ours)
		# Our rdma_rxe replaces the distribution's: load what the
		# stock module depends on, then our modules.
		local dep
		for dep in $(modinfo -F depends rdma_rxe | tr , ' '); do
			modprobe "$dep" || fail "modprobe $dep failed"
		done
		# dyndbg: a failed fault logs its range and errno, so a test
		# log tells why. The debug kernel runs the mm about nine times
		# slower: its faults get ten times the livelock guard
		# (docs/odp-layer.md).
		local params=(dyndbg=+p)
		[ "${KERNEL:-image}" != debug ] || params+=(fault_timeout_ms=10000)
		insmod "$2/ib_odp.ko" "${params[@]}" || fail "insmod ib_odp.ko failed"
		insmod "$2/rxe/rdma_rxe.ko" || fail "insmod our rdma_rxe.ko failed"
		;;
	*) fail "unknown rxe '$1'" ;;
	esac
	modprobe rdma_ucm || fail "modprobe rdma_ucm failed"
}

# unload_rxe: remove the rxe devices and whichever rdma_rxe is loaded.
unload_rxe() {
	local dev
	for dev in $(rdma link show 2>/dev/null | sed -n 's|^link \(rxe[^/]*\)/.*|\1|p'); do
		rdma link delete "$dev" || fail "rdma link delete $dev failed"
	done
	if lsmod | grep -q '^rdma_rxe '; then
		rmmod rdma_rxe || fail "rmmod rdma_rxe failed"
	fi
	if lsmod | grep -q '^ib_odp '; then
		rmmod ib_odp || fail "rmmod ib_odp failed"
	fi
}

# port_ready NETNS DEV: the port is ACTIVE and GID index 1 (IPv4) is set.
port_ready() {
	local p=/sys/class/infiniband/$2/ports/1
	in_ns "$1" grep -q ACTIVE "$p/state" &&
		! in_ns "$1" grep -q '^0000:0000:0000:0000:0000:0000:0000:0000$' "$p/gids/1"
}

# attach_rxe NETNS: rxe0 on veth0 (and with NETNS=1 rxe1 on veth1, each in
# its namespace), waiting until the ports are usable.
attach_rxe() {
	if [ "$1" -eq 0 ]; then
		rdma link add rxe0 type rxe netdev veth0 || fail "rdma link add rxe0 failed"
		wait_for "rxe0 ACTIVE with an IPv4 GID" 30 port_ready "" rxe0
		return 0
	fi
	in_ns ib_odp_a rdma link add rxe0 type rxe netdev veth0 || fail "rdma link add rxe0 failed"
	in_ns ib_odp_b rdma link add rxe1 type rxe netdev veth1 || fail "rdma link add rxe1 failed"
	wait_for "rxe0 ACTIVE with an IPv4 GID" 30 port_ready ib_odp_a rxe0
	wait_for "rxe1 ACTIVE with an IPv4 GID" 30 port_ready ib_odp_b rxe1
}
