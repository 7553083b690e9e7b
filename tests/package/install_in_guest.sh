#!/bin/bash
# install_in_guest.sh PACKAGES_DIR: in a guest booted with no rxe
# (tools/vm/run --rxe none), install ib_odp the way a user does and check
# it works: apt-get install ./ib-odp-dkms_*.deb (DKMS builds both modules
# for the running kernel), dkms status, modprobe rdma_rxe loads ours
# (implicit ODP in ibv_devinfo -v), rdma link add, ibv_rc_pingpong -o and
# -O; the library packages with a consumer built by find_package(ibodp)
# and by pkg-config; then apt-get remove brings back the kernel's rxe.
# Prints the time from install to a working pingpong.
set -euo pipefail
pkgs=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
kver=$(uname -r)
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }
export DEBIAN_FRONTEND=noninteractive
# No network in the guest: everything the packages depend on is installed
# in the image already (dkms, linux-headers, linux-source).
apt_install() { apt-get install -y -q "$@"; }

lsmod | grep -q '^rdma_rxe ' && fail "rdma_rxe is loaded before the install"
ip link add veth0 type veth peer name veth1
ip addr add 192.0.2.1/24 dev veth0
ip link set veth0 up
ip link set veth1 up

start=$(date +%s)
step "apt-get install ./ib-odp-dkms"
apt_install "$pkgs"/ib-odp-dkms_*.deb
dkms status | tee /tmp/dkms.status
grep -q "^ib-odp/[^,]*, $kver, [^:]*: installed" /tmp/dkms.status ||
	fail "dkms status shows no ib-odp installed for $kver"
path=$(modinfo -n rdma_rxe)
case $path in */updates/dkms/*) ;; *) fail "modprobe would load $path, not ours" ;; esac

step "modprobe rdma_rxe: $path"
modprobe rdma_rxe
rdma link add rxe0 type rxe netdev veth0
for _ in $(seq 100); do
	ibv_devinfo -d rxe0 2>/dev/null | grep -q PORT_ACTIVE && break
	sleep 0.1
done
ibv_devinfo -v -d rxe0 > /tmp/devinfo.txt
grep -q ODP_SUPPORT_IMPLICIT /tmp/devinfo.txt || fail "the loaded rxe has no implicit ODP: not ours"
pingpong() {
	local port=$1
	shift
	ibv_rc_pingpong -d rxe0 -g 1 -p "$port" -n 100 -c "$@" > /tmp/server.log 2>&1 &
	local spid=$!
	sleep 1
	ibv_rc_pingpong -d rxe0 -g 1 -p "$port" -n 100 -c "$@" 192.0.2.1 > /tmp/client.log 2>&1 ||
		{ cat /tmp/client.log; fail "ibv_rc_pingpong $* failed"; }
	wait "$spid" || { cat /tmp/server.log; fail "ibv_rc_pingpong $* server failed"; }
}
pingpong 18901 -o
echo "install to working pingpong: $(( $(date +%s) - start )) s"
pingpong 18902 -O

step "apt-get install ./libibodp1 ./libibodp-dev ./ibodp-tools"
apt_install "$pkgs"/libibodp1_*.deb "$pkgs"/libibodp-dev_*.deb "$pkgs"/ibodp-tools_*.deb
ibodp_caps --json -d rxe0 | grep -q '"implicit": true' || fail "ibodp_caps: no implicit ODP"
man -w ibodp_caps >/dev/null 2>&1 || [ -e /usr/share/man/man1/ibodp_caps.1.gz ] ||
	fail "no man page for ibodp_caps"
work=$(mktemp -d)
cmake -S "$src/tests/package" -B "$work/cmake" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer"
# shellcheck disable=SC2046
g++ -std=c++20 -o "$work/consumer-pc" "$src/tests/package/consumer.cpp" \
	$(pkg-config --cflags --libs ibodp)
"$work/consumer-pc"

step "apt-get remove ib-odp-dkms"
rdma link delete rxe0
modprobe -r rdma_rxe ib_odp
apt-get remove -y -q ib-odp-dkms
path=$(modinfo -n rdma_rxe)
case $path in */updates/*) fail "$path is still there after the removal" ;; esac
modprobe rdma_rxe
rdma link add rxe0 type rxe netdev veth0
ibv_devinfo -v -d rxe0 > /tmp/devinfo.txt
grep -q ODP_SUPPORT_IMPLICIT /tmp/devinfo.txt && fail "implicit ODP after the removal"
echo "packages ok on $kver: installed, ours loaded, pingpong -o and -O, library, removed"
