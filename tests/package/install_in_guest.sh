#!/bin/bash
# install_in_guest.sh PACKAGES_DIR: in a guest booted with no rxe
# (tools/vm/run --rxe none), install ib_odp the way a user does and check
# it works, and that bad installs leave the system as it was:
# 1. without the kernel's headers, then without its linux-source: DKMS
#    says what is missing, no module of ours is installed, the kernel's
#    rdma_rxe stays the one modprobe finds;
# 2. apt-get install ./ib-odp-dkms_*.deb: DKMS builds both modules for the
#    running kernel, dkms status says installed, modprobe rdma_rxe loads
#    ours (implicit ODP in ibv_devinfo -v), rdma link add, ibv_rc_pingpong
#    -o and -O; the library packages, a consumer built by
#    find_package(ibodp) and by pkg-config;
# 3. apt-get remove while rxe0 is in use: our modules stay loaded and
#    working until the device is gone, then modprobe finds the kernel's
#    rxe again (no implicit ODP).
# Prints the time from apt-get install to a working pingpong.
set -euo pipefail
pkgs=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
kver=$(uname -r)
series=$(echo "$kver" | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
t0=$(date +%s)
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== [$(( $(date +%s) - t0 )) s] $*"; }
export DEBIAN_FRONTEND=noninteractive
# No network in the guest: everything the packages depend on is installed
# in the image already (dkms, linux-headers, linux-source).
apt_install() { apt-get install -y -q "$@"; }
dkms_deb=$(echo "$pkgs"/ib-odp-dkms_*.deb)
version=$(dpkg-deb -f "$dkms_deb" Version)

# kernel_rxe_is_found: modprobe rdma_rxe would load the kernel's own.
kernel_rxe_is_found() {
	local path
	path=$(modinfo -n rdma_rxe)
	case $path in */updates/*) fail "modprobe would load $path, not the kernel's rxe" ;; esac
}

lsmod | grep -q '^rdma_rxe ' && fail "rdma_rxe is loaded before the install"
ip link add veth0 type veth peer name veth1
ip addr add 192.0.2.1/24 dev veth0
ip link set veth0 up
ip link set veth1 up

step "no headers: apt-get install ./ib-odp-dkms skips the build"
headers=/lib/modules/$kver/build
mv "$headers" "$headers.hidden"
apt_install "$dkms_deb" > /tmp/no-headers.log 2>&1 ||
	{ cat /tmp/no-headers.log; fail "the install without headers failed (dkms skips the build)"; }
mv "$headers.hidden" "$headers"
# (dkms's words differ as other kernels have headers or not)
grep -Eq "headers for this kernel do not seem to be installed|No kernel headers were found" \
	/tmp/no-headers.log ||
	{ cat /tmp/no-headers.log; fail "dkms did not say that the headers are missing"; }
dkms status -m ib-odp -k "$kver" | grep -q ': installed' &&
	fail "ib-odp installed without headers"
kernel_rxe_is_found

step "no linux-source-$series: dkms install fails, naming it"
tarball=$(echo /usr/src/linux-source-"$series".tar.*)
mv "$tarball" /tmp/
rc=0
dkms install -m ib-odp -v "$version" -k "$kver" > /tmp/no-source.log 2>&1 || rc=$?
mv /tmp/"$(basename "$tarball")" "$tarball"
[ $rc -ne 0 ] || fail "dkms install succeeded without linux-source-$series"
find /var/lib/dkms/ib-odp -name make.log -exec cat {} + > /tmp/no-source.make.log
grep -q "ib-odp: no /usr/src/linux-source-$series.tar.\*: install linux-source-$series" \
	/tmp/no-source.make.log ||
	{ cat /tmp/no-source.log; fail "make.log does not name the missing linux-source"; }
kernel_rxe_is_found
apt-get remove -y -q ib-odp-dkms > /tmp/remove-unbuilt.log 2>&1 ||
	{ cat /tmp/remove-unbuilt.log; fail "removing the unbuilt package failed"; }
[ -z "$(dkms status -m ib-odp)" ] || fail "dkms still knows ib-odp after the removal: $(dkms status -m ib-odp)"

start=$(date +%s)
step "apt-get install ./ib-odp-dkms"
apt_install "$dkms_deb"
# DKMS's own log of the build, with dkms-build's progress lines.
find /var/lib/dkms/ib-odp -name make.log -exec grep -h "^ib-odp: \[" {} + || true
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
echo "install to working pingpong: $(( $(date +%s) - start )) s"
pingpong 18902 -O

step "apt-get install ./libibodp3 ./libibodp-dev ./ibodp-tools"
apt_install "$pkgs"/libibodp3_*.deb "$pkgs"/libibodp-dev_*.deb "$pkgs"/ibodp-tools_*.deb
ibodp_caps --json -d rxe0 | grep -q '"implicit": true' || fail "ibodp_caps: no implicit ODP"
[ -e /usr/share/man/man1/ibodp_caps.1.gz ] || fail "no man page for ibodp_caps"
work=$(mktemp -d)
cmake -S "$src/tests/package" -B "$work/cmake" >/dev/null
cmake --build "$work/cmake" >/dev/null
"$work/cmake/consumer"
# shellcheck disable=SC2046
g++ -std=c++20 -o "$work/consumer-pc" "$src/tests/package/consumer.cpp" \
	$(pkg-config --cflags --libs ibodp)
"$work/consumer-pc"

step "apt-get remove ib-odp-dkms while rxe0 is in use"
apt-get remove -y -q ib-odp-dkms
kernel_rxe_is_found
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
echo "packages ok on $kver: bad installs left nothing, installed, ours loaded, pingpong -o and -O, library, removed in use"
