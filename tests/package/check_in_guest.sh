#!/bin/bash
# check_in_guest.sh [--removal guest|chroot]: in a guest booted with no
# rxe (tools/vm/run --rxe none) from the root install_in_image.sh
# installed ib_odp into, check that what apt-get and DKMS installed works
# on the running kernel:
# 1. dkms status says installed for it, modprobe rdma_rxe loads ours
#    (implicit ODP in ibv_devinfo -v), rdma link add, ibv_rc_pingpong -o
#    and -O, ibodp_caps from ibodp-tools sees implicit ODP;
# 2. apt-get remove while rxe0 is in use: our modules stay loaded and
#    working until the device is gone, then modprobe finds the kernel's
#    rxe again (no implicit ODP). With --removal chroot this step is left
#    to remove_in_image.sh, after the guest is gone.
set -euo pipefail
kver=$(uname -r)
# shellcheck source=tests/package/lib.sh
. "$(dirname "$0")/lib.sh"
removal=guest
case "${1-}:${2-}" in
:) ;;
--removal:guest|--removal:chroot) removal=$2 ;;
*) echo "usage: check_in_guest.sh [--removal guest|chroot]" >&2; exit 2 ;;
esac
export DEBIAN_FRONTEND=noninteractive

lsmod | grep -q '^rdma_rxe ' && fail "rdma_rxe is loaded before the check"
dkms status -m ib-odp -k "$kver" | grep -q ': installed' ||
	fail "dkms status shows no ib-odp installed for the running kernel $kver"
path=$(modinfo -n rdma_rxe)
case $path in */updates/dkms/*) ;; *) fail "modprobe would load $path, not ours" ;; esac
ip link add veth0 type veth peer name veth1
ip addr add 192.0.2.1/24 dev veth0
ip link set veth0 up
ip link set veth1 up

step "modprobe rdma_rxe: $path"
modprobe rdma_rxe
rdma link add rxe0 type rxe netdev veth0
for _ in $(seq 100); do
	ibv_devinfo -d rxe0 2>/dev/null | grep -q PORT_ACTIVE && break
	sleep 0.1
done
ibv_devinfo -v -d rxe0 > /tmp/devinfo.txt
grep -q ODP_SUPPORT_IMPLICIT /tmp/devinfo.txt || fail "the loaded rxe has no implicit ODP: not ours"
# pingpong PORT ARGS...: ibv_rc_pingpong server and client on rxe0.
pingpong() {
	local port=$1
	shift
	ibv_rc_pingpong -d rxe0 -g 1 -p "$port" -n 100 -c "$@" > /tmp/server.log 2>&1 &
	local spid=$!
	for _ in $(seq 100); do
		ss -ltn | grep -q ":$port " && break
		sleep 0.1
	done
	ibv_rc_pingpong -d rxe0 -g 1 -p "$port" -n 100 -c "$@" 192.0.2.1 > /tmp/client.log 2>&1 ||
		{ cat /tmp/client.log; fail "ibv_rc_pingpong $* failed"; }
	wait "$spid" || { cat /tmp/server.log; fail "ibv_rc_pingpong $* server failed"; }
}
pingpong 18901 -o
pingpong 18902 -O
ibodp_caps --json -d rxe0 | grep -q '"implicit": true' || fail "ibodp_caps: no implicit ODP"
if [ "$removal" = chroot ]; then
	step "done"
	echo "packages ok on $kver: ours loaded, pingpong -o and -O, ibodp_caps (removal: chroot)"
	exit 0
fi

step "apt-get remove ib-odp-dkms while rxe0 is in use"
apt-get remove -y -q ib-odp-dkms
kernel_rxe_is_found "$kver"
grep -q '^rdma_rxe ' /proc/modules || fail "rdma_rxe was unloaded under its device"
grep -q '^ib_odp ' /proc/modules || fail "ib_odp was unloaded under its device"
# The loaded modules keep working until their device is gone.
pingpong 18903 -o
rdma link delete rxe0
# rmmod, not modprobe -r: the files of ours are gone, so modprobe no
# longer knows ib_odp.
rmmod rdma_rxe ib_odp
modprobe rdma_rxe
rdma link add rxe0 type rxe netdev veth0
ibv_devinfo -v -d rxe0 > /tmp/devinfo.txt
grep -q ODP_SUPPORT_IMPLICIT /tmp/devinfo.txt && fail "implicit ODP after the removal"
step "done"
echo "packages ok on $kver: ours loaded, pingpong -o and -O, ibodp_caps, removed in use"
